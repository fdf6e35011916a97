import { ApiError, post } from '../api.js';
import { h, message, show } from '../dom.js';
import { withStepUp } from '../stepup.js';

export async function tokenView(view) {
    const create = h('button', { type: 'button', class: 'primary', id: 'token-create' }, 'Create a new API token');
    const line = h('p', { class: 'message', id: 'token-message', role: 'alert' });
    const result = h('div', { id: 'token-result', 'aria-live': 'polite' });
    create.addEventListener('click', async () => {
        create.disabled = true;
        message(line, '');
        try {
            const answer = await withStepUp(() => post('/api/me/tokens', {}),
                'Creating an API token hands out a credential, so it needs a fresh code every time.');
            if (answer) {
                show(result, h('div', { class: 'card ok' },
                    h('p', {}, 'Your new token, shown only now. Your previous token no longer works.'),
                    h('code', { id: 'token', class: 'key' }, answer.token),
                    h('p', { class: 'muted' }, 'Send it as the header Authorization: TOKEN <token>.')));
            } else {
                message(line, 'Cancelled: no token was made.', 'info');
            }
        } catch (error) {
            message(line, error instanceof ApiError && error.errorCode === 'PE-0028'
                ? 'The step-up did not hold (it is used once and expires quickly). Try again.'
                : error.message);
        } finally {
            create.disabled = false;
        }
    });
    show(view,
        h('h1', {}, 'API token'),
        h('div', { class: 'card' },
            h('p', {}, 'Scripts and batch jobs call StepUp with an API token. You have at most one; making a new one replaces the old.'),
            h('p', { class: 'muted' }, 'You will be asked for a code from your authenticator app first.'),
            line,
            h('div', { class: 'actions' }, create)),
        result);
}
