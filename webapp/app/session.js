// Who is signed in, for the pages that show or hide things by role. The server decides
// what a caller may do; this only spares people buttons that would be refused.

export const session = { me: null };

export function hasRole(...roles) {
    return session.me !== null && roles.some((role) => session.me.roles.includes(role));
}
