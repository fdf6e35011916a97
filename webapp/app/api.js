// The one way the pages talk to StepUp: its public JSON API, with the session cookie and,
// on every state-changing request, the session's CSRF token.

let csrfToken = null;

export function useCsrfToken(token) {
    csrfToken = token;
}

/** An error answer of the API: status, errorCode, message, details and Retry-After. */
export class ApiError extends Error {
    constructor(status, body, retryAfter) {
        super(body?.message ?? `The server answered ${status}`);
        this.status = status;
        this.errorCode = body?.errorCode ?? null;
        this.details = body?.details ?? null;
        this.retryAfter = retryAfter;
    }
}

export async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    if (csrfToken && !['GET', 'HEAD'].includes(method)) {
        headers['X-CSRF-Token'] = csrfToken;
    }
    const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
    });
    const text = await response.text();
    let json = null;
    if (text) {
        try {
            json = JSON.parse(text);
        } catch {
            json = { message: text };
        }
    }
    if (!response.ok) {
        const retry = response.headers.get('Retry-After');
        throw new ApiError(response.status, json, retry === null ? null : Number(retry));
    }
    return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const del = (path) => api('DELETE', path);
