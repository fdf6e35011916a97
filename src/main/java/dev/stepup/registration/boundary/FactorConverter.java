package dev.stepup.registration.boundary;

import dev.stepup.platform.boundary.ApiException;
import dev.stepup.platform.boundary.InvalidParameter;
import dev.stepup.registration.entity.Factor;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.function.Function;

/**
 * Path parameters of type {@link Factor} (what one registers: {@code TOTP}) and
 * {@link StepUpFactor} (what one steps up with: also {@code RECOVERY_CODE}): anything else is
 * {@code 400 MFA-0001}, not the 404 JAX-RS gives a parameter it cannot convert.
 */
@Provider
public class FactorConverter implements ParamConverterProvider {

    private static final ParamConverter<Factor> FACTOR = converter(Factor::parse, "Unsupported factor; use TOTP");
    private static final ParamConverter<StepUpFactor> STEP_UP_FACTOR = converter(StepUpFactor::parse,
            "Unsupported factor; use TOTP or RECOVERY_CODE");

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType == Factor.class) {
            return (ParamConverter<T>) FACTOR;
        }
        return rawType == StepUpFactor.class ? (ParamConverter<T>) STEP_UP_FACTOR : null;
    }

    private static <F extends Enum<F>> ParamConverter<F> converter(Function<String, Optional<F>> parse, String message) {
        return new ParamConverter<>() {
            @Override
            public F fromString(String value) {
                return parse.apply(value).orElseThrow(() -> new InvalidParameter(new ApiException(400, "MFA-0001", message)));
            }

            @Override
            public String toString(F factor) {
                return factor.name();
            }
        };
    }
}
