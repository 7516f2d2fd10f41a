import Foundation
import NIOHTTP1
import ReinServer
import Testing
import Yams

/// The OpenAPI document and the routes agree: every route of the server is an operation of the
/// document, every operation is routed (it answers with the API's own JSON, not the router's
/// empty 404), and the document is what `GET /openapi.yaml` serves.
@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        try #require(try Yams.load(yaml: OpenAPIDocument.yaml) as? [String: Any])
    }

    /// Every (method, path) of the document.
    static func operations() throws -> Set<String> {
        let paths = try #require(try document()["paths"] as? [String: Any])
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any])?.keys ?? [:].keys where ["get", "post", "delete"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// Every (method, path) the source registers with the router.
    static func routes() throws -> Set<String> {
        let source = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/ReinServer/HTTP/APIRoutes.swift"), encoding: .utf8)
        let pattern = /router\.(get|post|delete)\("([^"]+)"\)/
        return Set(source.matches(of: pattern).map { "\($0.output.1.uppercased()) \($0.output.2)" })
    }

    @Test func theRoutesAreTheDocumentsOperations() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let routes = try Self.routes()
        #expect(routes.count >= 13)
        #expect(routes == (try Self.operations()))
    }

    @Test func everyOperationIsRoutedAndTheDocumentIsServed() async throws {
        try await TestServer.with { server in
            for operation in try Self.operations() {
                let parts = operation.split(separator: " ")
                let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "INC-NONE").replacingOccurrences(of: "{digest}", with: "current")
                let method: HTTPMethod = parts[0] == "GET" ? .GET : parts[0] == "DELETE" ? .DELETE : .POST
                let reply = try await server.call(method, path, token: "ops-token", body: parts[0] == "POST" ? "{}" : nil)
                // The router's own 404 (no route) has no body; the API's answers all do.
                #expect(reply.status != 404 || !reply.body.isEmpty, "\(operation): \(reply.status)")
            }
            let served = try await server.get("/openapi.yaml", token: nil)
            #expect(served.status == 200 && served.body == OpenAPIDocument.yaml)
        }
    }
}
