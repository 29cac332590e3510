package jsonata

import (
	"encoding/json"
	"testing"
)

func BenchmarkEvaluate(b *testing.B) {
	var input any
	if err := json.Unmarshal([]byte(account), &input); err != nil {
		b.Fatal(err)
	}
	for _, src := range []string{
		`Account."Account Name"`,
		`$sum(Account.Order.Product.(Price * Quantity))`,
		`Account.Order.Product{SKU: $sum(Price)}`,
		`$map(Account.Order.Product, function($p){$p.Price})`,
	} {
		e, err := Compile(src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(src, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := e.Evaluate(input, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
