import { ApiError, del, get, post } from '../api.js';
import { field, formatTime, h, message, show } from '../dom.js';
import { withPasswordConfirmation } from '../password.js';
import { hasRole, session } from '../session.js';
import { withStepUp } from '../stepup.js';

const REGISTRATION = '/api/mfa/register/TOTP';

export async function securityView(view) {
    const [registration, status] = await Promise.all([get(REGISTRATION), get('/api/step-up/status')]);
    const body = h('section', { id: 'registration', 'aria-live': 'polite' });
    show(view,
        h('h1', {}, 'My security'),
        h('p', { class: 'muted' }, `Signed in as ${session.me.username}.`),
        body,
        h('section', { class: 'card' },
            h('h2', {}, 'Step-up'),
            h('p', {}, status.validUntil
                ? `Your last step-up counts until ${formatTime(status.validUntil)}.`
                : `Actions that need a recent step-up will ask for a code (it counts for ${status.validationWindow} minutes).`)));
    renderRegistration(body, registration.status);
}

function renderRegistration(body, status, enrolment, newCodes) {
    const reload = async (codes) => renderRegistration(body, (await get(REGISTRATION)).status, undefined, codes);
    if (status === 'REGISTERED') {
        const codes = h('div', { id: 'recovery' });
        show(body,
            newCodes ? codesPanel(newCodes) : null,
            h('div', { class: 'card' },
                h('h2', {}, 'Authenticator app'),
                h('p', {}, h('span', { class: 'badge ok', id: 'registration-status' }, 'REGISTERED'),
                    ' Your authenticator app is set up.'),
                hasRole('TenantAdmin') ? removeForm(reload)
                    : h('p', { class: 'muted' }, 'To remove it, ask an identity manager to reset it.'),
                h('p', {}, h('a', { href: '#/recover', id: 'lost-device' }, 'Lost your phone? Use a recovery code.'))),
            codes);
        renderRecoveryCodes(codes);
        return;
    }
    if (status === 'CHALLENGE') {
        show(body, enrolForm(reload, enrolment));
        return;
    }
    const start = h('button', { type: 'button', class: 'primary', id: 'enrol-start' }, 'Set up an authenticator app');
    const line = h('p', { class: 'message', role: 'alert' });
    start.addEventListener('click', async () => {
        start.disabled = true;
        try {
            const answer = await withPasswordConfirmation(() => post(REGISTRATION, { action: 'GENERATE_SECRET' }));
            if (answer) {
                renderRegistration(body, 'CHALLENGE', answer.additionalDetails);
            } else {
                message(line, 'Cancelled: your password is needed to set up an authenticator app.', 'info');
                start.disabled = false;
            }
        } catch (error) {
            message(line, error.message);
            start.disabled = false;
        }
    });
    show(body, h('div', { class: 'card' },
        h('h2', {}, 'Authenticator app'),
        h('p', {}, h('span', { class: 'badge', id: 'registration-status' }, 'UNREGISTERED'),
            ' Use an authenticator app on your phone (for example FreeOTP, Aegis or Google Authenticator) as your second factor.'),
        line,
        h('div', { class: 'actions' }, start)));
}

function enrolForm(reload, enrolment) {
    const code = codeInput();
    const line = h('p', { class: 'message', id: 'enrol-message', role: 'alert' });
    const confirm = h('button', { type: 'submit', class: 'primary' }, 'Confirm');
    const renew = h('button', { type: 'button', id: 'enrol-renew' }, enrolment ? 'New key' : 'Start over with a new key');
    renew.addEventListener('click', async () => {
        try {
            const answer = await withPasswordConfirmation(() => post(REGISTRATION, { action: 'GENERATE_SECRET' }));
            if (answer) {
                form.replaceWith(enrolForm(reload, answer.additionalDetails));
            }
        } catch (error) {
            message(line, error.message);
        }
    });
    const form = h('form', { class: 'card', id: 'enrol', novalidate: true },
        h('h2', {}, 'Set up your authenticator app'),
        h('p', {}, h('span', { class: 'badge warn', id: 'registration-status' }, 'CHALLENGE'),
            ' Scan the code with your app, then enter the code the app shows.'),
        h('div', { class: 'enrol' },
            h('img', { id: 'qr', src: `${REGISTRATION}/qr?v=${Date.now()}`, width: 240, height: 240,
                alt: 'QR code with your new authenticator key' }),
            h('div', {},
                enrolment
                    ? h('p', {}, 'Can\'t scan? Enter this key in the app: ',
                        h('code', { id: 'totp-key', class: 'key' }, enrolment.key))
                    : h('p', { class: 'muted' }, 'The key is only shown right after it is made.'),
                field('enrol-code', 'Code from the app', code, 'Six digits, for example 123456.'),
                line,
                h('div', { class: 'actions' }, confirm, renew))));
    onCode(form, code, confirm, line, async (otp) => {
        const answer = await post(REGISTRATION, { action: 'VERIFY', otp });
        await reload(answer.recoveryCodes);
    }, (error) => {
        if (error instanceof ApiError && error.errorCode === 'MFA-0007') {
            return 'That code is wrong. Check the time on your phone and try the next code.';
        }
        if (error instanceof ApiError && error.status === 429) {
            return `Too many wrong codes. Try again in ${error.retryAfter ?? 1} s.`;
        }
        return error.message;
    });
    return form;
}

/** How many recovery codes are left, and ten new ones after a fresh step-up. */
async function renderRecoveryCodes(node) {
    const { remaining } = await get('/api/mfa/recovery-codes');
    const line = h('p', { class: 'message', id: 'recovery-message', role: 'alert' });
    const replace = h('button', { type: 'button', id: 'recovery-replace' }, 'Make new recovery codes');
    replace.addEventListener('click', async () => {
        replace.disabled = true;
        message(line, '');
        try {
            const answer = await withStepUp(() => post('/api/mfa/recovery-codes', {}),
                'New recovery codes replace the old ones, so this needs a fresh code.');
            if (answer) {
                show(node, codesPanel(answer.recoveryCodes));
                return;
            }
            message(line, 'Cancelled: your recovery codes are as they were.', 'info');
        } catch (error) {
            message(line, error.message);
        }
        replace.disabled = false;
    });
    show(node, h('div', { class: 'card' },
        h('h2', {}, 'Recovery codes'),
        h('p', {}, h('span', { id: 'recovery-remaining' }, String(remaining)),
            remaining === 1 ? ' recovery code is left.' : ' recovery codes are left.',
            ' Each one replaces a code from your app once, or resets a lost phone.'),
        line,
        h('div', { class: 'actions' }, replace)));
}

/** New recovery codes, shown this once, with copy and download. */
function codesPanel(codes) {
    const text = `StepUp recovery codes for ${session.me.username}\n${codes.join('\n')}\n`;
    const line = h('p', { class: 'message', role: 'status' });
    const copy = h('button', { type: 'button', id: 'codes-copy' }, 'Copy');
    copy.addEventListener('click', async () => {
        try {
            await navigator.clipboard.writeText(text);
            message(line, 'Copied.', 'ok');
        } catch {
            message(line, 'Your browser did not allow copying; select the codes instead.');
        }
    });
    const download = h('a', { id: 'codes-download', class: 'button', download: 'stepup-recovery-codes.txt',
        href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })) }, 'Download as text');
    const done = h('button', { type: 'button', class: 'primary', id: 'codes-done' }, 'I have saved them');
    const panel = h('div', { class: 'card ok', id: 'recovery-codes', role: 'region', 'aria-labelledby': 'codes-title' },
        h('h2', { id: 'codes-title' }, 'Your recovery codes'),
        h('p', { class: 'warning' }, 'Save these ten codes somewhere safe now: they are shown only this once. ',
            'Each works once, instead of a code from your app, or to reset your registration if you lose your phone.'),
        h('ul', { class: 'codes' }, codes.map((code) => h('li', {}, h('code', {}, code)))),
        line,
        h('div', { class: 'actions' }, copy, download, done));
    done.addEventListener('click', () => panel.remove());
    return panel;
}

function removeForm(reload) {
    const code = codeInput();
    const line = h('p', { class: 'message', id: 'remove-message', role: 'alert' });
    const remove = h('button', { type: 'submit', class: 'danger' }, 'Remove');
    const form = h('form', { id: 'remove', novalidate: true },
        h('h3', {}, 'Remove the authenticator app'),
        field('remove-code', 'Current code from the app', code),
        line,
        h('div', { class: 'actions' }, remove));
    onCode(form, code, remove, line, async (otp) => {
        await del(`${REGISTRATION}/${otp}`);
        await reload();
    }, (error) => (error instanceof ApiError && error.errorCode === 'MFA-0006'
        ? 'That is not the current code of your app.' : error.message));
    return form;
}

/** The field for a code from the authenticator app, as phones expect it. */
function codeInput() {
    return h('input', { name: 'otp', autocomplete: 'one-time-code', inputmode: 'numeric',
        pattern: '[0-9]{6,8}', maxlength: '8', required: true });
}

/** Submits a code: checks its form, runs {@code action}, and on failure says {@code explain(error)}. */
function onCode(form, code, button, line, action, explain) {
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const otp = code.value.trim();
        if (!/^[0-9]{6,8}$/.test(otp)) {
            message(line, 'Enter the digits your app shows.');
            code.focus();
            return;
        }
        button.disabled = true;
        try {
            await action(otp);
        } catch (error) {
            button.disabled = false;
            message(line, explain(error));
            code.select();
        }
    });
}
