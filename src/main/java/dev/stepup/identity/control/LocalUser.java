package dev.stepup.identity.control;

import dev.stepup.identity.entity.UserId;

/** What a password check needs of a local user; the entity is loaded only after a success. */
public record LocalUser(UserId id, String passwordHash, boolean active) {

    @Override
    public String toString() {
        return "LocalUser[" + id + "]";
    }
}
