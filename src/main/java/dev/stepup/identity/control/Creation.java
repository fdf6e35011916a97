package dev.stepup.identity.control;

import dev.stepup.identity.entity.Identity;

/** What creating an identity came to: a value, mapped to HTTP by the boundary. */
public sealed interface Creation {

    record Created(Identity identity) implements Creation {
    }

    /** Another identity has this username or name already. */
    record NameTaken() implements Creation {
    }
}
