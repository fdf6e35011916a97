// This application's own back end (/example-spa/api): its sign-in and the payouts, the one
// guarded by @StepUpRequired(alwaysPrompt = true).

import { request } from './http.js';
import { state } from '../entity/state.js';

export async function whoAmI() {
    const me = await request('GET', 'api/session');
    state.username = me.username;
    return me;
}

export async function signIn(username, password) {
    const me = await request('POST', 'api/session', { username, password });
    state.username = me.username;
    state.stepUpCsrfToken = null;
    return me;
}

export async function signOut() {
    await request('DELETE', 'api/session');
    state.username = null;
    state.stepUpCsrfToken = null;
}

export const list = () => request('GET', 'api/payout');

/** Throws ApiError 403 PE-0028 without a fresh step-up (the completion cookie from StepUp). */
export const pay = (amount, iban) => request('POST', 'api/payout', { amount, iban });
