package dev.stepup.identity.boundary;

import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.InvalidParameter;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Path and query parameters of type {@link UserId}: a malformed id is {@code 400 U-0002}, not JAX-RS's 404. */
@Provider
public class UserIdConverter implements ParamConverterProvider {

    private static final ParamConverter<UserId> CONVERTER = new ParamConverter<>() {
        @Override
        public UserId fromString(String value) {
            try {
                return parse(value);
            } catch (ApiException e) {
                throw new InvalidParameter(e);
            }
        }

        @Override
        public String toString(UserId id) {
            return id.value();
        }
    };

    /** A user id given as text: 20 letters and digits, else {@code 400 U-0002}. */
    public static UserId parse(String value) {
        return UserId.parse(value).orElseThrow(() -> new ApiException(400, "U-0002", "A user id is 20 letters and digits"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        return rawType == UserId.class ? (ParamConverter<T>) CONVERTER : null;
    }
}
