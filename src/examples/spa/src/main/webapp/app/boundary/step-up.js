// The step-up dialog: signs in to StepUp first if this browser has no StepUp session for the
// user, then sends the code. Resolves true on SUCCESS (the completion cookie is set), false
// when the user cancels. FAILED and throttling (429 with Retry-After) stay in the dialog.

import { ApiError } from '../control/http.js';
import * as stepUp from '../control/stepup.js';
import { state } from '../entity/state.js';

const $ = (id) => document.getElementById(id);

export async function confirm() {
    const dialog = $('step-up');
    const form = $('step-up-form');
    const signInPart = $('step-up-sign-in');
    const password = $('step-up-password');
    const code = $('step-up-code');
    const submit = $('step-up-submit');
    const line = $('step-up-message');
    const needsSignIn = state.stepUpCsrfToken === null && !(await stepUp.useExistingSession());
    $('step-up-username').textContent = state.username;
    signInPart.hidden = !needsSignIn;
    password.value = '';
    code.value = '';
    line.textContent = '';
    let timer = null;

    return new Promise((resolve) => {
        const finish = (result) => {
            clearInterval(timer);
            form.removeEventListener('submit', onSubmit);
            $('step-up-cancel').removeEventListener('click', onCancel);
            dialog.removeEventListener('cancel', onCancel);
            submit.disabled = false;
            dialog.close();
            resolve(result);
        };
        const wait = (seconds) => {
            let left = seconds;
            submit.disabled = true;
            line.textContent = `Too many wrong codes. Try again in ${left} s.`;
            timer = setInterval(() => {
                left -= 1;
                if (left > 0) {
                    line.textContent = `Too many wrong codes. Try again in ${left} s.`;
                } else {
                    clearInterval(timer);
                    submit.disabled = false;
                    line.textContent = 'You can try again now.';
                }
            }, 1000);
        };
        const onSubmit = async (event) => {
            event.preventDefault();
            const otp = code.value.trim();
            if (!/^[0-9]{6,8}$/.test(otp)) {
                line.textContent = 'Enter the 6 to 8 digits your app shows.';
                return;
            }
            submit.disabled = true;
            try {
                if (!signInPart.hidden) {
                    await stepUp.signIn(password.value);
                    signInPart.hidden = true;
                }
                const answer = await stepUp.authenticate(otp);
                if (answer.result === 'SUCCESS') {
                    finish(true);
                    return;
                }
                line.textContent = 'Wrong code. Wait for the next code of your app and try again.';
                submit.disabled = false;
                code.select();
            } catch (error) {
                submit.disabled = false;
                if (error instanceof ApiError && error.status === 429) {
                    wait(Math.max(1, error.retryAfter ?? 1));
                } else if (error instanceof ApiError && error.status === 401 && !signInPart.hidden) {
                    line.textContent = 'Wrong StepUp password.';
                } else if (error instanceof ApiError && (error.status === 401 || error.errorCode === 'AU-0005')) {
                    // The StepUp session ended meanwhile: sign in again.
                    state.stepUpCsrfToken = null;
                    signInPart.hidden = false;
                    line.textContent = 'Your StepUp session has ended. Sign in to StepUp again.';
                } else {
                    line.textContent = error.message;
                }
            }
        };
        const onCancel = (event) => {
            event.preventDefault();
            finish(false);
        };
        form.addEventListener('submit', onSubmit);
        $('step-up-cancel').addEventListener('click', onCancel);
        dialog.addEventListener('cancel', onCancel);
        dialog.showModal();
        (needsSignIn ? password : code).focus();
    });
}
