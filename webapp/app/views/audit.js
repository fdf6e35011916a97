import { get } from '../api.js';
import { field, formatTime, h, message, show } from '../dom.js';

const PAGE_SIZE = 25;

export async function auditView(view) {
    const type = h('select', { name: 'type' },
        h('option', { value: '' }, 'Any event'),
        ['STEP_UP', 'ENROLMENT_STARTED', 'ENROLMENT_CONFIRMATION', 'ENROLMENT_CONFIRMED', 'DELETE_CREDENTIAL_CHECK',
            'REGISTRATION_DELETED', 'CONFIGURATION_CHANGED', 'TOKEN_CREATED', 'USER_CREATED', 'USER_DELETED',
            'SIGN_IN', 'SIGN_OUT']
            .map((name) => h('option', { value: name }, name)));
    const userId = h('input', { name: 'userId', maxlength: '20', autocomplete: 'off', spellcheck: 'false' });
    const line = h('p', { class: 'message', role: 'alert' });
    const table = h('div', { class: 'table-wrap', id: 'audit' });
    const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    let page = 0;
    const load = async () => {
        const query = new URLSearchParams({ page, size: PAGE_SIZE });
        if (type.value) {
            query.set('type', type.value);
        }
        if (userId.value.trim()) {
            query.set('userId', userId.value.trim());
        }
        let answer;
        try {
            answer = await get(`/api/audit?${query}`);
            message(line, '');
        } catch (error) {
            message(line, error.message);
            return;
        }
        show(table, answer.data.length === 0 ? h('p', { class: 'muted' }, 'No events.') : h('table', {},
            h('caption', {}, `${answer.count} event${answer.count === 1 ? '' : 's'}, newest first`),
            h('thead', {}, h('tr', {}, ['Time', 'Event', 'Outcome', 'Actor', 'Target', 'Source', 'Details']
                .map((name) => h('th', { scope: 'col' }, name)))),
            h('tbody', {}, answer.data.map((row) => h('tr', {},
                h('td', {}, formatTime(row.time)),
                h('td', {}, row.type),
                h('td', {}, h('span', { class: `badge ${row.outcome === 'SUCCESS' ? 'ok' : 'warn'}` }, row.outcome)),
                h('td', {}, row.actorId ? h('code', {}, row.actorId) : '—'),
                h('td', {}, row.targetId ? h('code', {}, row.targetId) : '—'),
                h('td', {}, row.sourceIp ?? '—'),
                h('td', {}, row.details ?? ''))))));
        const pages = Math.max(1, Math.ceil(answer.count / PAGE_SIZE));
        const previous = h('button', { type: 'button', disabled: page === 0 }, 'Newer');
        const next = h('button', { type: 'button', disabled: page + 1 >= pages }, 'Older');
        previous.addEventListener('click', () => { page -= 1; load(); });
        next.addEventListener('click', () => { page += 1; load(); });
        show(pager, previous, h('span', {}, `Page ${page + 1} of ${pages}`), next);
    };
    const filters = h('form', { class: 'filters', novalidate: true },
        field('audit-type', 'Event', type), field('audit-user', 'User id', userId),
        h('button', { type: 'submit' }, 'Filter'));
    filters.addEventListener('submit', (event) => {
        event.preventDefault();
        page = 0;
        load();
    });
    type.addEventListener('change', () => { page = 0; load(); });
    show(view, h('h1', {}, 'Audit log'), h('div', { class: 'card' }, filters, line, table, pager));
    await load();
}
