//go:build ignore

// entc.go generates the ent client and graph/ent.graphqls. Run it with
// `go generate ./ent` (see generate.go) or `make generate`.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

// contractNames renames generated input fields whose spelling an issue's
// pinned contract fixes differently from entgql's (webhookUrl, not
// webhookURL). gqlgen binds GraphQL names to Go fields case-insensitively,
// so the generated Go inputs are unchanged.
func contractNames(_ *gen.Graph, s *ast.Schema) error {
	for _, input := range []string{"CreateNotificationTransportInput", "UpdateNotificationTransportInput"} {
		def := s.Types[input]
		if def == nil {
			continue
		}
		for _, f := range def.Fields {
			if f.Name == "webhookURL" {
				f.Name = "webhookUrl"
			}
		}
	}
	return nil
}

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(contractNames),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	opts := []entc.Option{
		entc.Extensions(ex),
		entc.FeatureNames(
			"privacy",
			"entql",
			"intercept",
			"sql/versioned-migration",
			"sql/globalid",
			"sql/upsert",
			"sql/lock",
			"sql/execquery",
		),
		// ent/template: Tx.DriverTx, for jobs enqueued in an ent transaction.
		entc.TemplateDir("./ent/template"),
	}
	if err := entc.Generate("./ent/schema", &gen.Config{Target: "./ent", Package: "github.com/gatehouse-id/gatehouse/ent"}, opts...); err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
