package dev.stepup.platform.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** One page of a listing: {@code {"count", "page", "size", "data"}}; count is the total. */
@JsonbPropertyOrder({"count", "page", "size", "data"})
public record Page<T>(long count, int page, int size, List<T> data) {

    public static <T> Page<T> of(long count, PageRequest request, List<T> data) {
        return new Page<>(count, request.page(), request.size(), data);
    }
}
