// Password confirmation: starting an enrolment over a browser session needs the password
// typed in the last five minutes (403 AU-0006). This runs the action, and on AU-0006 asks
// for the password in a small dialog, confirms it (POST /api/session/confirm), and runs the
// action again.

import { ApiError, post } from './api.js';
import { message } from './dom.js';

export async function withPasswordConfirmation(action) {
    try {
        return await action();
    } catch (error) {
        if (!(error instanceof ApiError && error.errorCode === 'AU-0006')) {
            throw error;
        }
    }
    return (await ask()) ? action() : null;
}

function ask() {
    const dialog = document.getElementById('confirm-password');
    const form = document.getElementById('confirm-password-form');
    const password = document.getElementById('confirm-password-input');
    const submit = document.getElementById('confirm-password-submit');
    const cancel = document.getElementById('confirm-password-cancel');
    const line = document.getElementById('confirm-password-message');
    password.value = '';
    message(line, '');
    return new Promise((resolve) => {
        const finish = (result) => {
            form.removeEventListener('submit', onSubmit);
            cancel.removeEventListener('click', onCancel);
            dialog.removeEventListener('cancel', onCancel);
            password.value = '';
            submit.disabled = false;
            dialog.close();
            resolve(result);
        };
        const onSubmit = async (event) => {
            event.preventDefault();
            if (!password.value) {
                message(line, 'Enter your password.');
                return;
            }
            submit.disabled = true;
            try {
                await post('/api/session/confirm', { password: password.value });
                finish(true);
            } catch (error) {
                submit.disabled = false;
                if (error instanceof ApiError && error.status === 429) {
                    message(line, `Too many wrong passwords. Try again in ${error.retryAfter ?? 1} s.`);
                } else if (error instanceof ApiError && error.status === 401) {
                    message(line, 'That is not your password.');
                } else {
                    message(line, error.message);
                }
                password.select();
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
        password.focus();
    });
}
