package dev.stepup.elevation.boundary;

import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.platform.boundary.ApiException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Reads a configuration body field by field, because the seed's clients send numbers as
 * JSON numbers or as numeric strings. A missing, non-numeric or out-of-range field is
 * {@code 400 CFG-0001} naming the field.
 */
final class ConfigurationRequest {

    private ConfigurationRequest() {
    }

    static StepUpConfiguration parse(JsonObject body) {
        int window = number(body, "validationWindow", "validationWindow", StepUpConfiguration.MIN_WINDOW, StepUpConfiguration.MAX_WINDOW);
        int cookie = number(body, "completedCookieMaxAge", "completedCookieMaxAge", StepUpConfiguration.MIN_COOKIE_AGE,
                StepUpConfiguration.MAX_COOKIE_AGE);
        JsonValue totpValue = body.get("totpConfiguration");
        if (totpValue == null || totpValue.getValueType() != JsonValue.ValueType.OBJECT) {
            throw invalid("totpConfiguration", "totpConfiguration must be an object with hashFunction, digits and timeStep");
        }
        JsonObject totp = totpValue.asJsonObject();
        HashFunction hash = hashFunction(totp.get("hashFunction"));
        int digits = number(totp, "digits", "totpConfiguration.digits", TotpParameters.MIN_DIGITS, TotpParameters.MAX_DIGITS);
        int timeStep = number(totp, "timeStep", "totpConfiguration.timeStep", TotpParameters.MIN_TIME_STEP,
                TotpParameters.MAX_TIME_STEP);
        return new StepUpConfiguration(window, cookie, new TotpParameters(hash, digits, timeStep));
    }

    private static HashFunction hashFunction(JsonValue value) {
        if (value instanceof JsonString text) {
            for (HashFunction candidate : HashFunction.values()) {
                if (candidate.name().equals(text.getString())) {
                    return candidate;
                }
            }
        }
        throw invalid("totpConfiguration.hashFunction", "totpConfiguration.hashFunction must be SHA1, SHA256 or SHA512");
    }

    private static int number(JsonObject object, String key, String field, int min, int max) {
        JsonValue value = object.get(key);
        BigDecimal number = null;
        if (value instanceof JsonNumber json) {
            number = json.bigDecimalValue();
        } else if (value instanceof JsonString text && text.getString().strip().matches("[+-]?[0-9]{1,9}")) {
            number = new BigDecimal(text.getString().strip());
        }
        String range = field + " must be a whole number from " + min + " to " + max;
        // The range first: stripping the zeros of a number such as 1E2147483647 overflows.
        if (number == null
                || number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0
                || number.stripTrailingZeros().scale() > 0) {
            throw invalid(field, range);
        }
        return number.intValueExact();
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(400, "CFG-0001", message, Map.of("field", field), Map.of());
    }
}
