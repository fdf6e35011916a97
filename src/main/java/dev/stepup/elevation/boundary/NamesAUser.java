package dev.stepup.elevation.boundary;

import dev.stepup.identity.boundary.UserIdConverter;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Identity;
import dev.stepup.platform.boundary.ApiException;
import java.util.Map;
import java.util.Optional;

/** A verifier's request names its user by {@code userId} or by {@code username}, exactly one. */
interface NamesAUser {

    String userId();

    String username();

    /**
     * The identity named, empty if there is none; {@code 400 REQ-0001} when neither or both
     * are given, {@code 400 U-0002} for a malformed id.
     */
    default Optional<Identity> user(Identities identities) {
        if ((userId() == null) == (username() == null)) {
            throw ApiException.badRequest("Name the user by userId or by username, exactly one of them",
                    Map.of("field", "userId"));
        }
        return userId() != null ? identities.find(UserIdConverter.parse(userId())) : identities.findByUsername(username());
    }
}
