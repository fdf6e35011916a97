import { ApiError, del, get, post } from '../api.js';
import { field, formatTime, h, message, show } from '../dom.js';
import { hasRole, session } from '../session.js';

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

function renderRegistration(body, status, enrolment) {
    const reload = async () => renderRegistration(body, (await get(REGISTRATION)).status);
    if (status === 'REGISTERED') {
        show(body, h('div', { class: 'card' },
            h('h2', {}, 'Authenticator app'),
            h('p', {}, h('span', { class: 'badge ok', id: 'registration-status' }, 'REGISTERED'),
                ' Your authenticator app is set up.'),
            hasRole('TenantAdmin') ? removeForm(reload)
                : h('p', { class: 'muted' }, 'To remove it, for example after losing your phone, ask an identity manager to reset it.')));
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
            const answer = await post(REGISTRATION, { action: 'GENERATE_SECRET' });
            renderRegistration(body, 'CHALLENGE', answer.additionalDetails);
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
        const answer = await post(REGISTRATION, { action: 'GENERATE_SECRET' });
        form.replaceWith(enrolForm(reload, answer.additionalDetails));
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
        await post(REGISTRATION, { action: 'VERIFY', otp });
        await reload();
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
