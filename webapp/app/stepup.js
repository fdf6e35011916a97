// Step-up before a sensitive action: run the action; if the server answers 403 PE-0028,
// ask for a code, authenticate it (the server sets the completion cookie), and run the
// action again. FAILED and throttling (429 with Retry-After) are shown in the prompt.

import { ApiError, post } from './api.js';
import { message } from './dom.js';

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

function prompt(why) {
    const dialog = document.getElementById('step-up');
    const form = document.getElementById('step-up-form');
    const code = document.getElementById('step-up-code');
    const submit = document.getElementById('step-up-submit');
    const cancel = document.getElementById('step-up-cancel');
    const line = document.getElementById('step-up-message');
    document.getElementById('step-up-why').textContent =
        why ?? 'This action needs a fresh code from your authenticator app.';
    code.value = '';
    message(line, '');
    let timer = null;

    return new Promise((resolve) => {
        const finish = (result) => {
            clearInterval(timer);
            form.removeEventListener('submit', onSubmit);
            cancel.removeEventListener('click', onCancel);
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
            const otp = code.value.trim();
            if (!/^[0-9]{6,8}$/.test(otp)) {
                message(line, 'Enter the 6 to 8 digits your app shows.');
                code.focus();
                return;
            }
            submit.disabled = true;
            try {
                const answer = await post('/api/step-up/authenticate/TOTP', { otp });
                if (answer.result === 'SUCCESS') {
                    finish(true);
                    return;
                }
                message(line, 'FAILED: that code is wrong or was used already. Wait for the next code and try again.');
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
        form.addEventListener('submit', onSubmit);
        cancel.addEventListener('click', onCancel);
        dialog.addEventListener('cancel', onCancel);
        dialog.showModal();
        code.focus();
    });
}
