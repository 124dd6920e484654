package io.gmtls.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

class ProblemExceptionHandlerTest {

    @Test
    void frameworkErrorsMapToProblemTypes() {
        assertThat(ProblemExceptionHandler.toProblem(new ResponseStatusException(HttpStatus.NOT_FOUND)).type())
                .isEqualTo(ProblemType.NOT_FOUND);
        assertThat(ProblemExceptionHandler.toProblem(new ServerWebInputException("bad", null,
                new DataBufferLimitException("too big"))).type()).isEqualTo(ProblemType.TOO_LARGE);
        assertThat(ProblemExceptionHandler.toProblem(new ServerWebInputException("Failed to read HTTP message")).type())
                .isEqualTo(ProblemType.INVALID_REQUEST);
        assertThat(ProblemExceptionHandler.toProblem(new IllegalStateException("secret internals")).detail())
                .isEqualTo("internal error");
        EnrollmentProblem own = new EnrollmentProblem(ProblemType.TOKEN_USED, "used");
        assertThat(ProblemExceptionHandler.toProblem(own)).isSameAs(own);
    }

    @Test
    void clientTextIsCutAndMadePrintable() {
        assertThat(ProblemExceptionHandler.printable("a\u0000b\u00e9" + "x".repeat(200))).hasSize(123)
                .startsWith("a?b?").endsWith("...");
    }

    @Test
    void problemTypesAreUniqueUrns() {
        Set<String> seen = new HashSet<>();
        Arrays.stream(ProblemType.values()).forEach(t -> {
            assertThat(seen.add(t.slug())).isTrue();
            assertThat(t.uri().toString()).isEqualTo("urn:gmtls:enrollment:" + t.slug());
            assertThat(t.status()).isBetween(400, 599);
        });
    }
}
