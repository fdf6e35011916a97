// JSON over fetch, for both back ends on this origin: this application's (api/...) and
// StepUp's (/api/...). An answer other than 2xx throws an ApiError in StepUp's error format.

export class ApiError extends Error {
    constructor(status, body, retryAfter) {
        super(body?.message ?? `The server answered ${status}`);
        this.status = status;
        this.errorCode = body?.errorCode ?? null;
        this.retryAfter = retryAfter;
    }
}

export async function request(method, path, body, headers = {}) {
    const response = await fetch(path, {
        method,
        headers: {
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...headers,
        },
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
