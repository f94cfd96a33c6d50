//go:build ignore

// entc.go generates the ent client and graph/ent.graphqls. Run it with
// `go generate ./ent` (see generate.go) or `make generate`.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
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
