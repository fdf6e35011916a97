package dev.stepup.elevation.boundary;

/**
 * {@code POST /api/step-up/verify/{factor}}: a code the user typed into the application's own
 * page, and the user by {@code userId} or {@code username} (exactly one).
 */
public record VerifyRequest(String userId, String username, String otp) implements NamesAUser {

    @Override
    public String toString() {
        return "VerifyRequest[userId=" + userId + ", username=" + username + "]";
    }
}
