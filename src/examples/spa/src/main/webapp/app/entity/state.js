// The page's state, in one place: who is signed in to this application, and the CSRF token
// of the StepUp session this browser holds for that user (null until there is one).

export const state = {
    username: null,
    stepUpCsrfToken: null,
};
