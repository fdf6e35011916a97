// Step-up before a sensitive action: run the action; if the server answers 403 PE-0028,
// ask for a code (or a recovery code), authenticate it (the server sets the completion
// cookie and opens the window of this browser's session), and run the action again. FAILED
// and throttling (429 with Retry-After) are shown in the prompt.

import { ApiError, post } from './api.js';
import { message } from './dom.js';

const TOTP = /^[0-9]{6,8}$/;
/** Crockford's base32, as the server reads it: case, spaces and dashes do not matter. */
const RECOVERY_CODE = /^[0-9A-HJKMNP-TV-Z]{10}$/;

export async function withStepUp(action, why) {
    try {
        return await action();
    } catch (error) {
        if (!(error instanceof ApiError && error.errorCode === 'PE-0028')) {
            throw error;
        }
    }
    const confirmed = await prompt(why);
    if (!confirmed) {
        return null;
    }
    return action();
}

/** A recovery code as typed, the way the server reads it: O is 0, I and L are 1. */
export function normalizedRecoveryCode(typed) {
    return typed.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

function prompt(why) {
    const dialog = document.getElementById('step-up');
    const form = document.getElementById('step-up-form');
    const code = document.getElementById('step-up-code');
    const label = document.getElementById('step-up-label');
    const submit = document.getElementById('step-up-submit');
    const cancel = document.getElementById('step-up-cancel');
    const toggle = document.getElementById('step-up-switch');
    const line = document.getElementById('step-up-message');
    document.getElementById('step-up-why').textContent =
        why ?? 'This action needs a fresh code from your authenticator app.';
    let recovery = false;
    const mode = (useRecoveryCode) => {
        recovery = useRecoveryCode;
        label.textContent = recovery ? 'One of your recovery codes (it can be used once)' : 'Code from your authenticator app';
        code.setAttribute('autocomplete', recovery ? 'off' : 'one-time-code');
        code.setAttribute('inputmode', recovery ? 'text' : 'numeric');
        toggle.textContent = recovery ? 'Use the code from your authenticator app' : 'Use a recovery code instead';
        code.value = '';
        message(line, '');
        code.focus();
    };
    mode(false);
    let timer = null;

    return new Promise((resolve) => {
        const finish = (result) => {
            clearInterval(timer);
            form.removeEventListener('submit', onSubmit);
            cancel.removeEventListener('click', onCancel);
            toggle.removeEventListener('click', onToggle);
            dialog.removeEventListener('cancel', onCancel);
            submit.disabled = false;
            dialog.close();
            resolve(result);
        };
        const waitFor = (seconds) => {
            let left = seconds;
            submit.disabled = true;
            const tell = () => message(line,
                `Too many wrong codes. Try again in ${left} s.`, 'error');
            tell();
            clearInterval(timer);
            timer = setInterval(() => {
                left -= 1;
                if (left <= 0) {
                    clearInterval(timer);
                    submit.disabled = false;
                    message(line, 'You can try again now.', 'info');
                } else {
                    tell();
                }
            }, 1000);
        };
        const onSubmit = async (event) => {
            event.preventDefault();
            const otp = recovery ? normalizedRecoveryCode(code.value) : code.value.trim();
            if (!(recovery ? RECOVERY_CODE : TOTP).test(otp)) {
                message(line, recovery ? 'A recovery code has ten letters and digits, such as 7H4Q-9XKM-2R.'
                    : 'Enter the 6 to 8 digits your app shows.');
                code.focus();
                return;
            }
            submit.disabled = true;
            try {
                const answer = await post(`/api/step-up/authenticate/${recovery ? 'RECOVERY_CODE' : 'TOTP'}`, { otp });
                if (answer.result === 'SUCCESS') {
                    finish(true);
                    return;
                }
                message(line, recovery ? 'FAILED: that is not one of your unused recovery codes.'
                    : 'FAILED: that code is wrong or was used already. Wait for the next code and try again.');
                submit.disabled = false;
                code.select();
            } catch (error) {
                if (error instanceof ApiError && error.status === 429) {
                    waitFor(Math.max(1, error.retryAfter ?? 1));
                } else {
                    message(line, error.message);
                    submit.disabled = false;
                }
            }
        };
        const onCancel = (event) => {
            event.preventDefault();
            finish(false);
        };
        const onToggle = () => mode(!recovery);
        form.addEventListener('submit', onSubmit);
        cancel.addEventListener('click', onCancel);
        toggle.addEventListener('click', onToggle);
        dialog.addEventListener('cancel', onCancel);
        dialog.showModal();
        code.focus();
    });
}
