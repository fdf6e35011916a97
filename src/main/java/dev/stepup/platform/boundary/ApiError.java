package dev.stepup.platform.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The body of every error the API answers: {@code {"message", "errorCode", "details"}};
 * {@code details} is written as {@code null} when there are none, on every server.
 */
@JsonbNillable
@JsonbPropertyOrder({"message", "errorCode", "details"})
public record ApiError(String message, String errorCode, Object details) {

    public static ApiError of(String message, String errorCode) {
        return new ApiError(message, errorCode, null);
    }
}
