import { ApiError, post } from '../api.js';
import { field, h, message, show } from '../dom.js';
import { normalizedRecoveryCode } from '../stepup.js';

/**
 * Lost device: a recovery code resets the caller's own registration
 * (POST /api/mfa/recover), and then the new phone is set up on "My security".
 */
export async function recoverView(view) {
    const code = h('input', { name: 'recoveryCode', autocomplete: 'off', spellcheck: 'false', maxlength: '14', required: true });
    const line = h('p', { class: 'message', id: 'recover-message', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Reset my authenticator app');
    const form = h('form', { class: 'card narrow', id: 'recover', novalidate: true },
        field('recover-code', 'One of your recovery codes', code, 'For example 7H4Q-9XKM-2R; case and dashes do not matter.'),
        line,
        h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const typed = normalizedRecoveryCode(code.value);
        if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(typed)) {
            message(line, 'A recovery code has ten letters and digits, such as 7H4Q-9XKM-2R.');
            code.focus();
            return;
        }
        submit.disabled = true;
        try {
            await post('/api/mfa/recover', { recoveryCode: typed });
            show(view,
                h('h1', {}, 'Your authenticator app was reset'),
                h('div', { class: 'card ok', id: 'recovered' },
                    h('p', {}, 'The recovery code is used up, and so are your other codes. Set up your new phone now: ',
                        'you get ten new recovery codes when you confirm it.'),
                    h('div', { class: 'actions' },
                        h('a', { href: '#/security', class: 'button primary', id: 'recover-enrol' }, 'Set up my new phone'))));
        } catch (error) {
            submit.disabled = false;
            if (error instanceof ApiError && error.errorCode === 'MFA-0006') {
                message(line, 'That is not one of your unused recovery codes.');
            } else if (error instanceof ApiError && error.errorCode === 'MFA-0003') {
                message(line, 'You have no authenticator app set up, so there is nothing to reset.');
            } else if (error instanceof ApiError && error.status === 429) {
                message(line, `Too many wrong codes. Try again in ${error.retryAfter ?? 1} s.`);
            } else {
                message(line, error.message);
            }
            code.select();
        }
    });
    show(view,
        h('h1', {}, 'Lost your phone?'),
        h('p', {}, 'Use one of the recovery codes you saved when you set up your authenticator app. ',
            'It resets your registration, so you can set up a new phone without waiting for an administrator.'),
        form,
        h('p', { class: 'muted' }, 'No recovery code left? Ask an identity manager to reset your registration.'));
    code.focus();
}
