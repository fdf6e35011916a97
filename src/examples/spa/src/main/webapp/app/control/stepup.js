// StepUp's API on the same origin (/api), as the user: a StepUp browser session for the
// signed-in user, and the step-up itself. A successful step-up leaves StepUp's completion
// cookie (Path=/, a few seconds) in the browser, which then goes along to this application's
// back end with the guarded request.

import { ApiError, request } from './http.js';
import { state } from '../entity/state.js';

/**
 * Takes over a StepUp session this browser already holds for the user (from StepUp's own web
 * UI, say); false if there is none for this user.
 */
export async function useExistingSession() {
    try {
        const me = await request('GET', '/api/me');
        if (me.username === state.username && me.csrfToken) {
            state.stepUpCsrfToken = me.csrfToken;
            return true;
        }
    } catch (error) {
        if (!(error instanceof ApiError)) {
            throw error;
        }
    }
    return false;
}

export async function signIn(password) {
    const session = await request('POST', '/api/session', { username: state.username, password });
    state.stepUpCsrfToken = session.csrfToken;
}

/** {result: 'SUCCESS'} sets the completion cookie; {result: 'FAILED'} for a wrong or used code. */
export const authenticate = (otp) => request('POST', '/api/step-up/authenticate/TOTP', { otp },
    { 'X-CSRF-Token': state.stepUpCsrfToken });
