// The web UI's shell: who is signed in, the navigation by role, and a hash router.

import { ApiError, del, get, useCsrfToken } from './api.js';
import { h, show } from './dom.js';
import { hasRole, session } from './session.js';
import { signInView } from './views/sign-in.js';
import { securityView } from './views/security.js';
import { tokenView } from './views/token.js';
import { registrationsView, userView } from './views/registrations.js';
import { configurationView } from './views/configuration.js';
import { auditView } from './views/audit.js';
import { recoverView } from './views/recover.js';

const VIEWER_ROLES = ['TenantAdmin', 'IdentityManager', 'IdentityViewer'];

const routes = [
    { href: '#/security', title: 'My security', view: securityView },
    { href: '#/token', title: 'API token', view: tokenView },
    { href: '#/admin/registrations', title: 'Registrations', view: registrationsView, roles: VIEWER_ROLES },
    { path: /^#\/admin\/users\/([A-Za-z0-9]{20})$/, view: userView, roles: VIEWER_ROLES },
    { href: '#/admin/configuration', title: 'Configuration', view: configurationView },
    { href: '#/admin/audit', title: 'Audit log', view: auditView, roles: ['TenantAdmin'] },
    { path: /^#\/recover$/, title: 'Lost your phone?', view: recoverView },
].map((route) => ({ ...route, path: route.path ?? new RegExp(`^${route.href}$`) }));

function signedIn(me) {
    session.me = me;
    useCsrfToken(me.csrfToken);
    document.getElementById('who-name').textContent = me.username;
    document.getElementById('who').hidden = false;
    const nav = document.getElementById('nav');
    show(nav, routes
        .filter((route) => route.href && (!route.roles || hasRole(...route.roles)))
        .map((route) => h('a', { href: route.href }, route.title)));
    nav.hidden = false;
}

function signedOut() {
    session.me = null;
    useCsrfToken(null);
    document.getElementById('who').hidden = true;
    document.getElementById('nav').hidden = true;
}

async function render() {
    const view = document.getElementById('view');
    if (session.me === null) {
        document.title = 'Sign in · StepUp';
        signInView(view, async (me) => {
            signedIn(me);
            if (!location.hash || location.hash === '#/sign-in') {
                location.hash = '#/security';
            } else {
                await render();
            }
        });
        return;
    }
    const hash = location.hash || '#/security';
    const route = routes.find((candidate) => candidate.path.test(hash));
    for (const link of document.querySelectorAll('#nav a')) {
        link.toggleAttribute('aria-current', link.getAttribute('href') === hash);
    }
    if (!route) {
        location.hash = '#/security';
        return;
    }
    if (route.roles && !hasRole(...route.roles)) {
        show(view, h('h1', {}, 'Not for you'), h('p', {}, 'This page needs one of the roles ' + route.roles.join(', ') + '.'));
        return;
    }
    document.title = `${route.title ?? 'User'} · StepUp`;
    try {
        await route.view(view, ...hash.match(route.path).slice(1));
    } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
            signedOut();
            await render();
            return;
        }
        show(view, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, error.message));
    }
    view.querySelector('h1')?.setAttribute('tabindex', '-1');
    view.querySelector('h1')?.focus();
}

async function start() {
    document.getElementById('sign-out').addEventListener('click', async () => {
        try {
            await del('/api/session');
        } finally {
            signedOut();
            location.hash = '#/sign-in';
            await render();
        }
    });
    window.addEventListener('hashchange', render);
    try {
        signedIn(await get('/api/me'));
    } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) {
            throw error;
        }
    }
    await render();
}

start();
