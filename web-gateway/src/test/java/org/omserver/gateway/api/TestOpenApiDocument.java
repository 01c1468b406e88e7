package org.omserver.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written OpenAPI document and the servlet's route table describe the same API. */
class TestOpenApiDocument
{
    private final JsonNode document = read();

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute()
    {
        Set<String> routes = new TreeSet<>();
        ApiServlet.ROUTES.forEach(route -> routes.add(route.method() + " " + route.path()));

        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void everyOperationThatNeedsATokenDocumentsTheUnauthenticatedAnswer()
    {
        document.get("paths").forEach(path -> path.forEach(operation -> {
            boolean open = operation.has("security") && operation.get("security").isEmpty();
            if (!open) {
                assertThat(operation.get("responses").has("401")).as(operation.get("summary").asText()).isTrue();
            }
        }));
    }

    @Test
    void everyErrorCodeTheGatewayUsesIsInTheErrorSchema()
    {
        Set<String> codes = new TreeSet<>();
        document.at("/components/schemas/Error/properties/code/enum").forEach(code -> codes.add(code.asText()));
        for (org.omserver.protocol.thrift.ErrorCode code : org.omserver.protocol.thrift.ErrorCode.values()) {
            assertThat(codes).contains(code.name());
        }
        assertThat(codes).contains("METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "MASTER_UNAVAILABLE", "BUSY");
    }

    private static JsonNode read()
    {
        try {
            return new ObjectMapper().readTree(Endpoints.openApiDocument());
        }
        catch (Exception e) {
            throw new AssertionError("api/openapi.json is not valid JSON: " + e.getMessage(), e);
        }
    }
}
