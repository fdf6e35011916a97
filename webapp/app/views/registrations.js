import { ApiError, del, get } from '../api.js';
import { field, formatTime, h, message, show } from '../dom.js';
import { hasRole } from '../session.js';
import { withStepUp } from '../stepup.js';

const LISTING = '/api/mfa/admin/registrations/TOTP';
const PAGE_SIZE = 20;

export async function registrationsView(view) {
    const status = h('select', { name: 'status' },
        h('option', { value: '' }, 'Any status'),
        h('option', { value: 'REGISTERED' }, 'REGISTERED'),
        h('option', { value: 'CHALLENGE' }, 'CHALLENGE'));
    const userId = h('input', { name: 'userId', autocomplete: 'off', maxlength: '20', spellcheck: 'false' });
    const lookupLine = h('p', { class: 'message', role: 'alert' });
    const lookup = h('form', { class: 'inline', id: 'user-lookup', novalidate: true },
        field('lookup-user', 'Open a user by id', userId),
        h('button', { type: 'submit' }, 'Open'), lookupLine);
    lookup.addEventListener('submit', (event) => {
        event.preventDefault();
        const id = userId.value.trim();
        if (!/^[A-Za-z0-9]{20}$/.test(id)) {
            message(lookupLine, 'A user id has 20 letters and digits.');
            return;
        }
        location.hash = `#/admin/users/${id}`;
    });
    const table = h('div', { class: 'table-wrap', id: 'registrations' });
    const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    let page = 0;

    const load = async () => {
        const query = new URLSearchParams({ page, size: PAGE_SIZE });
        if (status.value) {
            query.set('status', status.value);
        }
        const answer = await get(`${LISTING}?${query}`);
        show(table, answer.data.length === 0 ? h('p', { class: 'muted' }, 'No registrations.') : h('table', {},
            h('caption', {}, `${answer.count} registration${answer.count === 1 ? '' : 's'}`),
            h('thead', {}, h('tr', {}, ['User', 'User id', 'Status', 'Created', 'Last used'].map((name) => h('th', { scope: 'col' }, name)))),
            h('tbody', {}, answer.data.map((row) => h('tr', {},
                h('td', {}, h('a', { href: `#/admin/users/${row.userId}` }, row.username)),
                h('td', {}, h('code', {}, row.userId)),
                h('td', {}, h('span', { class: `badge ${row.status === 'REGISTERED' ? 'ok' : 'warn'}` }, row.status)),
                h('td', {}, formatTime(row.createdAt)),
                h('td', {}, formatTime(row.lastUsedAt)))))));
        const pages = Math.max(1, Math.ceil(answer.count / PAGE_SIZE));
        const previous = h('button', { type: 'button', disabled: page === 0 }, 'Previous');
        const next = h('button', { type: 'button', disabled: page + 1 >= pages }, 'Next');
        previous.addEventListener('click', () => { page -= 1; load(); });
        next.addEventListener('click', () => { page += 1; load(); });
        show(pager, previous, h('span', {}, `Page ${page + 1} of ${pages}`), next);
    };
    status.addEventListener('change', () => { page = 0; load(); });
    show(view,
        h('h1', {}, 'Registrations'),
        h('div', { class: 'card' },
            h('div', { class: 'filters' }, field('filter-status', 'Status', status)),
            table, pager),
        h('div', { class: 'card' }, lookup));
    await load();
}

export async function userView(view, userId) {
    const path = `${LISTING}/users/${userId}`;
    const [registration, user] = await Promise.all([get(path), findUser(userId)]);
    const line = h('p', { class: 'message', id: 'reset-message', role: 'alert' });
    const state = h('p', {}, h('span', { class: 'badge', id: 'user-status' }, registration.status));
    const reset = h('button', { type: 'button', class: 'danger', id: 'reset' }, 'Reset registration');
    reset.addEventListener('click', async () => {
        if (!window.confirm(`Remove the authenticator registration of ${user?.username ?? userId}? They will have to enrol again.`)) {
            return;
        }
        reset.disabled = true;
        try {
            const done = await withStepUp(async () => (await del(path)) ?? true,
                'Resetting another user\'s registration needs a recent code from your own authenticator app.');
            if (done) {
                show(state, h('span', { class: 'badge', id: 'user-status' }, (await get(path)).status));
                message(line, 'The registration was reset.', 'ok');
            } else {
                message(line, 'Cancelled: nothing was reset.', 'info');
            }
        } catch (error) {
            message(line, error.message);
        } finally {
            reset.disabled = false;
        }
    });
    show(view,
        h('h1', {}, user?.username ?? 'User'),
        h('div', { class: 'card' },
            h('dl', {},
                h('dt', {}, 'User id'), h('dd', {}, h('code', {}, userId)),
                user?.email ? [h('dt', {}, 'Email'), h('dd', {}, user.email)] : null,
                h('dt', {}, 'TOTP registration'), h('dd', {}, state)),
            line,
            hasRole('TenantAdmin', 'IdentityManager') ? h('div', { class: 'actions' }, reset) : null),
        h('p', {}, h('a', { href: '#/admin/registrations' }, 'Back to the registrations')));
}

/** The user, for its name and email (every role that reaches this page may read users). */
async function findUser(userId) {
    try {
        return await get(`/api/users/${userId}`);
    } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
            return null;
        }
        throw error;
    }
}
