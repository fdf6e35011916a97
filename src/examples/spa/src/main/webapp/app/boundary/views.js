// The two views: this application's sign-in, and the payout form with the payouts made. A
// payout refused with 403 PE-0028 opens the step-up dialog and is sent again after SUCCESS.

import { h, show } from '../dom.js';
import { ApiError } from '../control/http.js';
import * as payouts from '../control/payouts.js';
import { state } from '../entity/state.js';
import { confirm } from './step-up.js';

const view = () => document.getElementById('view');

export function signInView(onSignedIn) {
    const username = h('input', { id: 'sign-in-username', autocomplete: 'username' });
    const password = h('input', { id: 'sign-in-password', type: 'password', autocomplete: 'current-password' });
    const line = h('p', { id: 'sign-in-message', class: 'message', role: 'alert' });
    const submit = async (event) => {
        event.preventDefault();
        try {
            await payouts.signIn(username.value.trim(), password.value);
            onSignedIn();
        } catch (error) {
            line.textContent = error.message;
        }
    };
    show(view(),
        h('h1', {}, 'Example payouts'),
        h('p', {}, 'A plain JavaScript page beside StepUp, with its own sign-in. Use a username that exists in StepUp ',
            '(admin will do) and the demo password.'),
        h('form', { id: 'sign-in', onsubmit: submit },
            h('label', { for: 'sign-in-username' }, 'Username'), username,
            h('label', { for: 'sign-in-password' }, 'Password'), password,
            line,
            h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
    username.focus();
}

export async function payoutView() {
    const amount = h('input', { id: 'amount', inputmode: 'decimal', autocomplete: 'off' });
    const iban = h('input', { id: 'iban', autocomplete: 'off' });
    const line = h('p', { id: 'payout-message', class: 'message', role: 'status' });
    const list = h('ol', { id: 'payouts' });
    const refresh = async () => show(list, (await payouts.list()).payouts.map((paid) => h('li', {}, paid)));
    const send = async () => {
        try {
            return await payouts.pay(amount.value.trim(), iban.value.trim());
        } catch (error) {
            if (!(error instanceof ApiError && error.errorCode === 'PE-0028')) {
                throw error;
            }
        }
        line.textContent = 'StepUp needs to confirm it is you.';
        if (!(await confirm())) {
            line.textContent = 'Not paid out: the step-up was cancelled.';
            return null;
        }
        return payouts.pay(amount.value.trim(), iban.value.trim());
    };
    const submit = async (event) => {
        event.preventDefault();
        line.textContent = '';
        try {
            const paid = await send();
            if (paid) {
                line.textContent = `Paid out ${paid.paid}`;
                amount.value = '';
                iban.value = '';
                await refresh();
            }
        } catch (error) {
            line.textContent = error.errorCode === 'PE-0028' ? 'Not paid out: StepUp did not confirm the step-up.' : error.message;
        }
    };
    show(view(),
        h('h1', {}, 'Payout'),
        h('p', { class: 'hint' }, 'Every payout asks for a code from your authenticator app, checked by StepUp.'),
        h('form', { id: 'payout', onsubmit: submit },
            h('label', { for: 'amount' }, 'Amount (EUR)'), amount,
            h('label', { for: 'iban' }, 'IBAN'), iban,
            h('button', { type: 'submit', id: 'pay', class: 'primary' }, 'Pay out')),
        line,
        h('h2', {}, 'Paid out so far'),
        list,
        h('p', { class: 'hint' }, 'Not enrolled yet? Set up your authenticator app in ', h('a', { href: '/' }, 'StepUp'), ' first.'));
    document.getElementById('who-name').textContent = state.username;
    await refresh();
}
