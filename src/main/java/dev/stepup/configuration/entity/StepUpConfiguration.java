package dev.stepup.configuration.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The single row of tenant configuration (id 1), made by the first migration. */
@Entity
@Table(name = "step_up_configuration")
public class StepUpConfiguration {

    public static final int ID = 1;

    @Id
    private int id;

    @Column(name = "validation_window")
    private int validationWindow;

    @Column(name = "completed_cookie_max_age")
    private int completedCookieMaxAge;

    @Column(name = "hash_function")
    private String hashFunction;

    private int digits;

    @Column(name = "time_step")
    private int timeStep;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected StepUpConfiguration() {
    }

    public int validationWindow() {
        return validationWindow;
    }

    public int completedCookieMaxAge() {
        return completedCookieMaxAge;
    }

    public String hashFunction() {
        return hashFunction;
    }

    public int digits() {
        return digits;
    }

    public int timeStep() {
        return timeStep;
    }

    public void change(int validationWindow, int completedCookieMaxAge, String hashFunction, int digits, int timeStep,
                       Instant now) {
        this.validationWindow = validationWindow;
        this.completedCookieMaxAge = completedCookieMaxAge;
        this.hashFunction = hashFunction;
        this.digits = digits;
        this.timeStep = timeStep;
        this.updatedAt = now;
    }
}
