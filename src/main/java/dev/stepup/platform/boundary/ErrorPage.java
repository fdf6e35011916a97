package dev.stepup.platform.boundary;

import jakarta.json.stream.JsonGenerator;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The web application's error page (see {@code web.xml}): the errors the container answers
 * by itself, around JAX-RS, in the contract's JSON instead of the server's HTML page. Jersey
 * answers a {@code Content-Type} or {@code Accept} header it cannot parse this way, before
 * any StepUp code runs; so does the container for a path it cannot decode or a web resource
 * that does not exist.
 */
@WebServlet(urlPatterns = ErrorPage.PATH)
public class ErrorPage extends HttpServlet {

    static final String PATH = "/error";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Asked for directly, it is a path like any other with nothing behind it.
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 404;
        ApiError error = Responses.forStatus(status);
        response.setStatus(status);
        response.setContentType(Responses.JSON);
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator json = Responses.JSON_PROVIDER.createGenerator(response.getWriter())) {
            json.writeStartObject()
                    .write("message", error.message())
                    .write("errorCode", error.errorCode())
                    .writeNull("details")
                    .writeEnd();
        }
    }
}
