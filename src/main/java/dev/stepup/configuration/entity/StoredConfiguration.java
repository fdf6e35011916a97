package dev.stepup.configuration.entity;

import dev.stepup.otp.control.TotpParameters;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The single row of tenant configuration (id 1), made by the first migration. */
@Entity
@Table(name = "step_up_configuration")
public class StoredConfiguration {

    public static final int ID = 1;

    @Id
    private int id;

    @Column(name = "validation_window")
    private int validationWindow;

    @Column(name = "completed_cookie_max_age")
    private int completedCookieMaxAge;

    @Embedded
    private TotpParameters totp;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected StoredConfiguration() {
    }

    public int validationWindow() {
        return validationWindow;
    }

    public int completedCookieMaxAge() {
        return completedCookieMaxAge;
    }

    public TotpParameters totp() {
        return totp;
    }

    public void change(int validationWindow, int completedCookieMaxAge, TotpParameters totp, Instant now) {
        this.validationWindow = validationWindow;
        this.completedCookieMaxAge = completedCookieMaxAge;
        this.totp = totp;
        this.updatedAt = now;
    }
}
