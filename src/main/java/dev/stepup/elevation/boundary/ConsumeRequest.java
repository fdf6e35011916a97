package dev.stepup.elevation.boundary;

/**
 * {@code POST /api/step-up/completions/consume}: the completion ID the user's browser carried
 * to the application, and the user by {@code userId} or {@code username} (exactly one).
 */
public record ConsumeRequest(String completionId, String userId, String username) implements NamesAUser {

    @Override
    public String toString() {
        return "ConsumeRequest[userId=" + userId + ", username=" + username + "]";
    }
}
