namespace ArxivDigest.Cli.Web;

/// <summary>The OpenAPI 3.1 description of the JSON API, served at /openapi.json.</summary>
public static class OpenApiDocument
{
    public const string Json = """
        {
          "openapi": "3.1.0",
          "info": { "title": "ArxivDigest web reader API", "version": "1.0.0", "description": "Read-only access to the stored digests, papers and search." },
          "paths": {
            "/api/digests": {
              "get": {
                "summary": "Configured digests with their stored listing dates (newest first)",
                "responses": {
                  "200": { "description": "Digests", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/DigestSummary" } } } } },
                  "503": { "description": "The store is busy or unavailable; retry after the Retry-After seconds", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
              }
            },
            "/api/digests/{name}/{date}": {
              "get": {
                "summary": "One digest of one listing date (the JSON renderer's document)",
                "parameters": [
                  { "name": "name", "in": "path", "required": true, "schema": { "type": "string" } },
                  { "name": "date", "in": "path", "required": true, "schema": { "type": "string", "format": "date" } }
                ],
                "responses": {
                  "503": { "description": "The store is busy or unavailable; retry after the Retry-After seconds", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                  "200": { "description": "The digest", "content": { "application/json": { "schema": { "type": "object" } } } },
                  "404": { "description": "No such digest or day", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
              }
            },
            "/api/papers/{id}": {
              "get": {
                "summary": "Every stored version of a paper and the announcements that listed it",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "arXiv id without version; old-style ids keep their slash (hep-th/9901001)" } ],
                "responses": {
                  "503": { "description": "The store is busy or unavailable; retry after the Retry-After seconds", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                  "200": { "description": "The paper", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PaperRecord" } } } },
                  "404": { "description": "Not stored", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
              }
            },
            "/api/search": {
              "get": {
                "summary": "Papers of the whole store matching a query (the digest query language), newest listing first",
                "parameters": [
                  { "name": "q", "in": "query", "required": true, "schema": { "type": "string" } },
                  { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                  { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
                  { "name": "cat", "in": "query", "schema": { "type": "string" }, "description": "Category code (cs.AI) or archive (cs)" },
                  { "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                  { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }
                ],
                "responses": {
                  "503": { "description": "The store is busy or unavailable; retry after the Retry-After seconds", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                  "200": { "description": "A page of results", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResults" } } } },
                  "400": { "description": "Missing or malformed query or date", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
              }
            },
            "/healthz": {
              "get": { "summary": "Health: 200 ok when the store answers", "responses": { "200": { "description": "ok" }, "503": { "description": "store unavailable" } } }
            }
          },
          "components": {
            "schemas": {
              "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
              "DigestSummary": {
                "type": "object",
                "properties": {
                  "name": { "type": "string" },
                  "categories": { "type": "array", "items": { "type": "string" } },
                  "queries": { "type": "array", "items": { "type": "string" } },
                  "days": { "type": "array", "items": { "type": "string", "format": "date" } }
                }
              },
              "Paper": {
                "type": "object",
                "properties": {
                  "id": { "type": "string" },
                  "version": { "type": ["integer", "null"] },
                  "title": { "type": "string" },
                  "authors": { "type": "array", "items": { "type": "string" } },
                  "abstract": { "type": "string" },
                  "comments": { "type": ["string", "null"] },
                  "journal_ref": { "type": ["string", "null"] },
                  "doi": { "type": ["string", "null"] },
                  "primary_category": { "type": "string" },
                  "categories": { "type": "array", "items": { "type": "string" } },
                  "listing_date": { "type": ["string", "null"], "format": "date" },
                  "published": { "type": ["string", "null"], "format": "date" },
                  "abs_url": { "type": "string" },
                  "pdf_url": { "type": "string" },
                  "matched": { "type": "string" }
                }
              },
              "PaperRecord": {
                "type": "object",
                "properties": {
                  "id": { "type": "string" },
                  "versions": { "type": "array", "items": { "$ref": "#/components/schemas/Paper" } },
                  "listings": { "type": "array", "items": { "type": "object", "properties": { "category": { "type": "string" }, "listing_date": { "type": "string", "format": "date" }, "announce_type": { "type": "string" } } } }
                }
              },
              "SearchResults": {
                "type": "object",
                "properties": {
                  "query": { "type": "string" },
                  "total": { "type": ["integer", "null"], "description": "number of matching papers; null while more pages follow (the index pages without counting)" },
                  "more": { "type": "boolean", "description": "whether papers follow this page" },
                  "offset": { "type": "integer" },
                  "limit": { "type": "integer" },
                  "items": { "type": "array", "items": { "$ref": "#/components/schemas/Paper" } }
                }
              }
            }
          }
        }
        """;
}
