package dev.stepup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.elevation.boundary.StepUpRequired;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the hand-written {@code META-INF/openapi.yaml} (Payara's scanner is disabled) in
 * step with the JAX-RS resources: every resource method found in the compiled classes of
 * {@code dev.stepup} must be documented, nothing may be documented that does not exist, and
 * each operation must document its errors the way the contract spells them.
 */
class OpenApiDocumentTest {

    private static final String DOCUMENT = "META-INF/openapi.yaml";
    private static final String ANY_AUTHENTICATED = "**";
    private static final Set<String> OPERATION_KEYS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    /**
     * Marks a response the HTTP server gives before the application sees the request (an empty
     * {@code 400} for a GET or HEAD with a body): it has no JSON body and no error code.
     */
    private static final String CONTAINER_RESPONSE = "x-stepup-container-response";
    private static final Pattern ERROR_CODE = Pattern.compile("\\b(?!ISO-)([A-Z]{1,4}-[0-9]{4})\\b"); // not ISO-8601

    /** The status of every error code the API answers: the contract's table and the codes the code adds. */
    private static final Map<String, Integer> ERROR_CODES = Map.ofEntries(
            Map.entry("REQ-0001", 400), Map.entry("REQ-0404", 404), Map.entry("REQ-0405", 405),
            Map.entry("REQ-0406", 406), Map.entry("REQ-0413", 413), Map.entry("REQ-0415", 415),
            Map.entry("AU-0000", 401), Map.entry("AU-0403", 403),
            Map.entry("AU-0005", 403), Map.entry("AU-0006", 403), Map.entry("AU-0429", 429),
            Map.entry("MFA-0001", 400), Map.entry("MFA-0002", 409), Map.entry("MFA-0003", 409),
            Map.entry("MFA-0004", 400), Map.entry("MFA-0005", 429), Map.entry("MFA-0006", 403),
            Map.entry("MFA-0007", 400), Map.entry("MFA-0008", 400), Map.entry("MFA-0009", 409),
            Map.entry("MFA-0010", 409),
            Map.entry("CFG-0001", 400),
            Map.entry("U-0001", 404), Map.entry("U-0002", 400), Map.entry("U-0003", 409),
            Map.entry("PE-0028", 403), Map.entry("SRV-0500", 500));

    private static Map<String, Object> document;
    private static List<Endpoint> endpoints;

    /** One JAX-RS resource method: its full path under the application path, and its HTTP method. */
    record Endpoint(String path, String method, Method resourceMethod) {

        String key() {
            return method + " " + normalise(path);
        }

        String where() {
            return method + " " + path + " (" + resourceMethod.getDeclaringClass().getSimpleName() + "."
                    + resourceMethod.getName() + ")";
        }

        <A extends Annotation> A annotation(Class<A> type) {
            A onMethod = resourceMethod.getAnnotation(type);
            return onMethod != null ? onMethod : resourceMethod.getDeclaringClass().getAnnotation(type);
        }
    }

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(DOCUMENT)) {
            assertThat(in).as(DOCUMENT + " on the classpath").isNotNull();
            document = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        }
        endpoints = scanEndpoints();
    }

    // ---------------------------------------------------------------- the document and the code agree

    @Test
    void theScanFindsTheResources() {
        assertThat(endpoints).extracting(Endpoint::key)
                .contains("POST /api/users", "GET /api/users/{}", "DELETE /api/users/{}",
                        "POST /api/mfa/register/{}", "HEAD /api/health");
    }

    @Test
    void documentIsOpenApi303() {
        assertThat(document.get("openapi")).hasToString("3.0.3");
        assertThat(map(document.get("info"))).containsKeys("title", "version", "description");
    }

    @Test
    void everyEndpointInTheCodeIsDocumented() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> missing = endpoints.stream()
                .filter(e -> !documented.containsKey(e.key()))
                .map(Endpoint::where)
                .toList();
        assertThat(missing).as("resource methods without an operation in " + DOCUMENT).isEmpty();
    }

    @Test
    void everyDocumentedOperationExistsInTheCode() {
        Set<String> implemented = endpoints.stream().map(Endpoint::key).collect(Collectors.toSet());
        List<String> stale = operations().keySet().stream().filter(key -> !implemented.contains(key)).toList();
        assertThat(stale).as("operations in " + DOCUMENT + " that no resource method implements").isEmpty();
    }

    @Test
    void documentedPathParametersAreDeclared() {
        List<String> problems = new ArrayList<>();
        map(document.get("paths")).forEach((path, item) -> {
            Map<String, Object> pathItem = map(item);
            Set<String> pathLevel = pathParameterNames(pathItem.get("parameters"));
            pathItem.forEach((key, operation) -> {
                if (!OPERATION_KEYS.contains(key)) {
                    return;
                }
                Set<String> declared = new TreeSet<>(pathLevel);
                declared.addAll(pathParameterNames(map(operation).get("parameters")));
                Set<String> inTemplate = templateNames(path);
                if (!declared.equals(inTemplate)) {
                    problems.add(key.toUpperCase() + " " + path + ": template " + inTemplate + ", declared " + declared);
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void pathParameterNamesMatchTheCode() {
        Map<String, String> documentedPaths = map(document.get("paths")).keySet().stream()
                .collect(Collectors.toMap(OpenApiDocumentTest::normalise, p -> p, (a, b) -> a));
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            String documented = documentedPaths.get(normalise(endpoint.path()));
            if (documented != null && !templateNames(documented).equals(templateNames(endpoint.path()))) {
                problems.add(endpoint.where() + " is documented as " + documented);
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------- each operation says enough

    @Test
    void everyOperationHasASummaryAndADescriptionOfItsRoles() {
        List<String> problems = new ArrayList<>();
        operations().forEach((key, operation) -> {
            if (text(operation.get("summary")).isBlank()) {
                problems.add(key + ": no summary");
            }
            if (!text(operation.get("description")).contains("Roles:")) {
                problems.add(key + ": the description does not say \"Roles: ...\"");
            }
            if (!(operation.get("responses") instanceof Map<?, ?> responses) || responses.isEmpty()) {
                problems.add(key + ": no responses");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOperationDocumentsAClientError() {
        List<String> problems = new ArrayList<>();
        operations().forEach((key, operation) -> {
            if (responses(operation).keySet().stream().noneMatch(status -> status.startsWith("4"))) {
                problems.add(key);
            }
        });
        assertThat(problems).as("operations without any 4xx response").isEmpty();
    }

    @Test
    void protectedOperationsDocumentAuthenticationAndTheirRoles() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Object> operation = documented.get(endpoint.key());
            String[] roles = rolesAllowed(endpoint);
            if (operation == null || roles == null) {
                continue;
            }
            Map<String, Object> responses = responses(operation);
            if (!responses.containsKey("401") || !description(responses.get("401")).contains("AU-0000")) {
                problems.add(endpoint.where() + ": @RolesAllowed but no 401 AU-0000");
            }
            if (security(operation).isEmpty()) {
                problems.add(endpoint.where() + ": @RolesAllowed but no security requirement");
            }
            String description = text(operation.get("description"));
            for (String role : roles) {
                if (ANY_AUTHENTICATED.equals(role)) {
                    if (!description.contains("any authenticated caller")) {
                        problems.add(endpoint.where() + ": description does not say \"any authenticated caller\"");
                    }
                } else if (!description.contains(role)) {
                    problems.add(endpoint.where() + ": description does not name the role " + role);
                }
            }
            boolean restricted = Arrays.stream(roles).noneMatch(ANY_AUTHENTICATED::equals);
            if (restricted && (!responses.containsKey("403") || !description(responses.get("403")).contains("AU-0403"))) {
                problems.add(endpoint.where() + ": needs a role but documents no 403 AU-0403");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void openOperationsNeedNoCredentials() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Object> operation = documented.get(endpoint.key());
            if (operation == null || !permitAll(endpoint)) {
                continue;
            }
            if (!(operation.get("security") instanceof List<?> security) || !security.isEmpty()) {
                problems.add(endpoint.where() + ": @PermitAll must be documented with \"security: []\"");
            }
            // Only an operation that checks credentials from its body (sign-in) answers 401 by itself.
            if (responses(operation).containsKey("401")
                    && map(responses(operation).get("401")).containsKey("$ref")) {
                problems.add(endpoint.where() + ": @PermitAll cannot answer the container's 401");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void operationsTakingABodyDocumentItAndItsLimits() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Object> operation = documented.get(endpoint.key());
            if (operation == null || !takesBody(endpoint.resourceMethod())) {
                continue;
            }
            Map<String, Object> content = map(map(operation.get("requestBody")).get("content"));
            if (content.isEmpty() || content.values().stream().anyMatch(media -> map(media).get("schema") == null)) {
                problems.add(endpoint.where() + ": reads a body but documents no requestBody schema");
            }
            Map<String, Object> responses = responses(operation);
            if (!description(responses.get("413")).contains("REQ-0413")) {
                problems.add(endpoint.where() + ": reads a body but documents no 413 REQ-0413");
            }
            if (endpoint.annotation(Consumes.class) != null && !description(responses.get("415")).contains("REQ-0415")) {
                problems.add(endpoint.where() + ": @Consumes but documents no 415 REQ-0415");
            }
            if (!description(responses.get("400")).contains("REQ-0001")) {
                problems.add(endpoint.where() + ": reads a body but documents no 400 REQ-0001");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void stepUpGuardedOperationsDocumentPE0028() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Object> operation = documented.get(endpoint.key());
            if (operation != null && endpoint.annotation(StepUpRequired.class) != null
                    && !description(responses(operation).get("403")).contains("PE-0028")) {
                problems.add(endpoint.where() + ": @StepUpRequired but no 403 PE-0028");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void errorResponsesNameContractCodesOfTheirStatusAndAreJsonErrors() {
        List<String> problems = new ArrayList<>();
        operations().forEach((key, operation) -> responses(operation).forEach((status, response) -> {
            if (!status.matches("[45][0-9][0-9]")) {
                return;
            }
            if (Boolean.TRUE.equals(map(response).get(CONTAINER_RESPONSE))) {
                if (map(response).containsKey("content")) {
                    problems.add(key + " " + status + ": a container response has no body to document");
                }
                return;
            }
            String description = description(response);
            Matcher codes = ERROR_CODE.matcher(description);
            boolean any = false;
            while (codes.find()) {
                any = true;
                Integer expected = ERROR_CODES.get(codes.group(1));
                if (expected == null) {
                    problems.add(key + " " + status + ": unknown error code " + codes.group(1));
                } else if (expected != Integer.parseInt(status)) {
                    problems.add(key + " " + status + ": " + codes.group(1) + " is a " + expected);
                }
            }
            if (!any) {
                problems.add(key + " " + status + ": the description names no error code");
            }
            Object schema = map(map(map(response).get("content")).get("application/json")).get("schema");
            if (!"#/components/schemas/Error".equals(map(schema).get("$ref"))) {
                problems.add(key + " " + status + ": not application/json with the Error schema");
            }
            if ("429".equals(status) && !map(map(response).get("headers")).containsKey("Retry-After")) {
                problems.add(key + " 429: no Retry-After header");
            }
        }));
        assertThat(problems).isEmpty();
    }

    @Test
    void componentsDescribeTheErrorAndTheSecuritySchemes() {
        Map<String, Object> components = map(document.get("components"));
        Map<String, Object> error = map(map(components.get("schemas")).get("Error"));
        assertThat(map(error.get("properties"))).containsOnlyKeys("message", "errorCode", "details");
        Map<String, Object> token = map(map(components.get("securitySchemes")).get("apiToken"));
        assertThat(token).containsEntry("type", "apiKey").containsEntry("in", "header").containsEntry("name", "Authorization");
        assertThat(text(token.get("description"))).contains("TOKEN <token>");
        Map<String, Object> bearer = map(map(components.get("securitySchemes")).get("bearerJwt"));
        assertThat(bearer).containsEntry("type", "http").containsEntry("scheme", "bearer");
    }

    @Test
    void everyReferenceResolves() {
        List<String> problems = new ArrayList<>();
        collectReferences(document, problems);
        assertThat(problems).as("unresolvable $ref").isEmpty();
    }

    // ---------------------------------------------------------------- the code: JAX-RS resources by reflection

    private static List<Endpoint> scanEndpoints() throws IOException, URISyntaxException {
        java.nio.file.Path classes = Paths.get(StepUpApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.nio.file.Path root = classes.resolve("dev/stepup");
        assertThat(root).as("compiled classes of dev.stepup").isDirectory();
        List<Class<?>> types = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                name = name.substring(0, name.length() - ".class".length());
                try {
                    types.add(Class.forName(name, false, OpenApiDocumentTest.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("cannot load " + name + " to look for JAX-RS resources", e);
                }
            }
        }
        String applicationPath = applicationPath(types);
        List<Endpoint> found = new ArrayList<>();
        for (Class<?> type : types) {
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.isSynthetic() || method.isBridge()) {
                    continue;
                }
                Path methodPath = method.getAnnotation(Path.class);
                List<String> httpMethods = httpMethods(method);
                if (httpMethods.isEmpty()) {
                    assertThat(methodPath).as("sub-resource locator " + type.getName() + "." + method.getName()
                            + ": this test does not follow locators; document it and extend the test").isNull();
                    continue;
                }
                String path = join(applicationPath, classPath.value(), methodPath == null ? "" : methodPath.value());
                httpMethods.forEach(http -> found.add(new Endpoint(path, http, method)));
            }
        }
        found.sort((a, b) -> a.key().compareTo(b.key()));
        return found;
    }

    private static String applicationPath(Collection<Class<?>> types) {
        List<String> paths = types.stream()
                .filter(Application.class::isAssignableFrom)
                .map(t -> t.getAnnotation(ApplicationPath.class))
                .filter(a -> a != null)
                .map(ApplicationPath::value)
                .toList();
        assertThat(paths).as("@ApplicationPath of the JAX-RS application").hasSize(1);
        return paths.get(0);
    }

    private static List<String> httpMethods(Method method) {
        List<String> methods = new ArrayList<>();
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                methods.add(http.value());
            }
        }
        return methods;
    }

    /** The roles of {@code @RolesAllowed}, as {@code RoleCheck} reads them (the method wins over its class); null if none. */
    private static String[] rolesAllowed(Endpoint endpoint) {
        AnnotatedElement decisive = decisive(endpoint.resourceMethod());
        if (decisive == null) {
            return null;
        }
        RolesAllowed roles = decisive.getAnnotation(RolesAllowed.class);
        return roles == null || decisive.isAnnotationPresent(DenyAll.class) || decisive.isAnnotationPresent(PermitAll.class)
                ? null : roles.value();
    }

    private static boolean permitAll(Endpoint endpoint) {
        AnnotatedElement decisive = decisive(endpoint.resourceMethod());
        return decisive != null && !decisive.isAnnotationPresent(DenyAll.class) && decisive.isAnnotationPresent(PermitAll.class);
    }

    private static AnnotatedElement decisive(Method method) {
        for (AnnotatedElement element : List.<AnnotatedElement>of(method, method.getDeclaringClass())) {
            if (element.isAnnotationPresent(DenyAll.class) || element.isAnnotationPresent(PermitAll.class)
                    || element.isAnnotationPresent(RolesAllowed.class)) {
                return element;
            }
        }
        return null;
    }

    /** True if a parameter carries no JAX-RS annotation: the entity (request body) parameter. */
    private static boolean takesBody(Method method) {
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            boolean jaxrs = Arrays.stream(annotations)
                    .anyMatch(a -> a.annotationType().getPackageName().startsWith("jakarta.ws.rs"));
            if (!jaxrs) {
                return true;
            }
        }
        return false;
    }

    private static String join(String... parts) {
        String joined = Arrays.stream(parts)
                .map(p -> p.replaceAll("^/+|/+$", ""))
                .filter(p -> !p.isEmpty())
                .collect(Collectors.joining("/"));
        return "/" + joined;
    }

    /** {@code /api/users/{userId}} and {@code /api/users/{id: [A-Za-z0-9]{20}}/} are both {@code /api/users/{}}. */
    static String normalise(String path) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : path.toCharArray()) {
            if (c == '{') {
                if (depth++ == 0) {
                    out.append("{}");
                }
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        String normalised = out.toString().replaceAll("/+", "/");
        return normalised.length() > 1 && normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    private static Set<String> templateNames(String path) {
        Set<String> names = new TreeSet<>();
        int depth = 0;
        StringBuilder name = null;
        for (char c : path.toCharArray()) {
            if (c == '{') {
                if (depth++ == 0) {
                    name = new StringBuilder();
                    continue;
                }
            } else if (c == '}' && --depth == 0) {
                names.add(name.toString().split(":", 2)[0].strip());
                continue;
            }
            if (depth > 0) {
                name.append(c);
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- the document

    /** Every operation of the document by {@code "METHOD /normalised/path"}. */
    private static Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> operations = new LinkedHashMap<>();
        map(document.get("paths")).forEach((path, item) -> map(item).forEach((key, operation) -> {
            if (OPERATION_KEYS.contains(key)) {
                operations.put(key.toUpperCase() + " " + normalise(path), map(operation));
            }
        }));
        return operations;
    }

    /** The responses of an operation by status, references resolved. */
    private static Map<String, Object> responses(Map<String, Object> operation) {
        Map<String, Object> responses = new LinkedHashMap<>();
        map(operation.get("responses")).forEach((status, response) -> responses.put(status, resolve(response)));
        return responses;
    }

    private static List<?> security(Map<String, Object> operation) {
        Object security = operation.containsKey("security") ? operation.get("security") : document.get("security");
        return security instanceof List<?> list ? list : List.of();
    }

    private static String description(Object response) {
        return text(map(response).get("description"));
    }

    private static Object resolve(Object value) {
        Map<String, Object> object = map(value);
        Object ref = object.get("$ref");
        return ref == null ? value : resolve(lookup(ref.toString()));
    }

    private static Object lookup(String ref) {
        assertThat(ref).as("only local references").startsWith("#/");
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = map(node).get(part.replace("~1", "/").replace("~0", "~"));
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static void collectReferences(Object node, List<String> problems) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                if ("$ref".equals(key) && (!(value instanceof String ref) || !ref.startsWith("#/") || lookup(ref) == null)) {
                    problems.add(String.valueOf(value));
                } else {
                    collectReferences(value, problems);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, problems));
        }
    }

    /** A YAML mapping with string keys (an unquoted {@code 200:} is an Integer to YAML); empty if it is none. */
    private static Map<String, Object> map(Object value) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> object) {
            object.forEach((key, v) -> result.put(String.valueOf(key), v));
        }
        return result;
    }

    private static Set<String> pathParameterNames(Object parameters) {
        Set<String> names = new TreeSet<>();
        if (parameters instanceof List<?> list) {
            for (Object parameter : list) {
                Map<String, Object> resolved = map(resolve(parameter));
                if ("path".equals(resolved.get("in"))) {
                    names.add(text(resolved.get("name")));
                }
            }
        }
        return names;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
