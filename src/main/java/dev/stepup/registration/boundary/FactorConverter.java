package dev.stepup.registration.boundary;

import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.InvalidParameter;
import dev.stepup.registration.entity.Factor;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Path parameters of type {@link Factor}: anything but a known factor is {@code 400 MFA-0001}, not JAX-RS's 404. */
@Provider
public class FactorConverter implements ParamConverterProvider {

    private static final ParamConverter<Factor> CONVERTER = new ParamConverter<>() {
        @Override
        public Factor fromString(String value) {
            return Factor.parse(value).orElseThrow(() ->
                    new InvalidParameter(new ApiException(400, "MFA-0001", "Unsupported factor; use TOTP")));
        }

        @Override
        public String toString(Factor factor) {
            return factor.name();
        }
    };

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        return rawType == Factor.class ? (ParamConverter<T>) CONVERTER : null;
    }
}
