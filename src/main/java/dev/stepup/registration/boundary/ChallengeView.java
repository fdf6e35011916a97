package dev.stepup.registration.boundary;

import dev.stepup.registration.control.Enrolment;
import dev.stepup.registration.entity.Factor;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The {@code GENERATE_SECRET} answer: the only place the key is ever shown. */
@JsonbPropertyOrder({"status", "factor", "additionalDetails"})
public record ChallengeView(String status, String factor, Details additionalDetails) {

    @JsonbPropertyOrder({"registrationStatus", "key", "uri"})
    public record Details(String registrationStatus, String key, String uri) {
        @Override
        public String toString() {
            return "Details[hidden]";
        }
    }

    public static ChallengeView of(Enrolment.Started enrolment, Factor factor) {
        return new ChallengeView("CHALLENGE", factor.name(), new Details("CHALLENGE", enrolment.key(), enrolment.uri()));
    }
}
