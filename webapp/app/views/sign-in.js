import { ApiError, post } from '../api.js';
import { field, h, message, show } from '../dom.js';

export function signInView(view, onSignedIn) {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const line = h('p', { class: 'message', id: 'sign-in-message', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h('form', { class: 'card narrow', novalidate: true },
        field('sign-in-username', 'Username', username),
        field('sign-in-password', 'Password', password),
        line,
        h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!username.value.trim() || !password.value) {
            message(line, 'Enter your username and password.');
            return;
        }
        submit.disabled = true;
        try {
            const me = await post('/api/session', { username: username.value.trim(), password: password.value });
            password.value = '';
            await onSignedIn(me);
        } catch (error) {
            if (error instanceof ApiError && error.status === 429) {
                message(line, `Too many failed sign-ins. Try again in ${error.retryAfter ?? 1} s.`);
            } else if (error instanceof ApiError && error.status === 401) {
                message(line, 'Wrong username or password.');
            } else {
                message(line, error.message);
            }
            password.select();
        } finally {
            submit.disabled = false;
        }
    });
    show(view,
        h('h1', {}, 'Sign in'),
        h('p', { class: 'muted' }, 'Sign in to manage your authenticator app and, with an admin role, other users\' registrations.'),
        form);
    username.focus();
}
