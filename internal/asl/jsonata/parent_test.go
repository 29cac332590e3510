package jsonata

import "testing"

func TestParentOperator(t *testing.T) {
	t.Parallel()
	const products = `[{"Product": "Bowler Hat", "Order": "order103", "Account": "Firefly"},
		{"Product": "Trilby hat", "Order": "order103", "Account": "Firefly"},
		{"Product": "Bowler Hat", "Order": "order104", "Account": "Firefly"},
		{"Product": "Cloak", "Order": "order104", "Account": "Firefly"}]`
	runEvalCases(t, []evalCase{
		{expr: "Account.Order.Product.{\"order\": %.OrderID, \"Product\": `Product Name`, \"Weight\": Description.Weight}", input: account,
			want: `[{"order": "order103", "Product": "Bowler Hat", "Weight": 0.75}, {"order": "order103", "Product": "Trilby hat", "Weight": 0.6},
				{"order": "order104", "Product": "Bowler Hat", "Weight": 0.75}, {"order": "order104", "Product": "Cloak", "Weight": 2}]`},
		{expr: "Account.Order.Product.[`Product Name`, %.OrderID]", input: account,
			want: `["Bowler Hat", "order103", "Trilby hat", "order103", "Bowler Hat", "order104", "Cloak", "order104"]`},
		{expr: "Account.Order.Product.{`Product Name`: [Quantity, (%.OrderID)]}", input: account,
			want: `[{"Bowler Hat": [2, "order103"]}, {"Trilby hat": [1, "order103"]}, {"Bowler Hat": [4, "order104"]}, {"Cloak": [1, "order104"]}]`},
		{expr: `Account.Order.Product[%.OrderID='order104'].SKU`, input: account, want: `["040657863", "0406654603"]`},
		{expr: `(Account.Order.Product)[%.OrderID='order104'].SKU`, input: account, want: `["040657863", "0406654603"]`},
		{expr: `Account.Order.Product.{%.OrderID: Price * Quantity}`, input: account,
			want: `[{"order103": 68.9}, {"order103": 21.67}, {"order104": 137.8}, {"order104": 107.99}]`},
		{expr: "Account.Order.Product.{'Product': `Product Name`, 'Order': %.OrderID, 'Account': %.%.`Account Name`}", input: account, want: products},
		{expr: "Account.Order.(Product).{'Product': `Product Name`, 'Order': %.OrderID, 'Account': %.%.`Account Name`}", input: account, want: products},
		{expr: "(Account.Order).(Product).{'Product': `Product Name`, 'Order': %.OrderID, 'Account': %.%.`Account Name`}", input: account, want: products},
		{expr: `%`, err: `S0217: The object representing the 'parent' cannot be derived from this expression`},
		{expr: `$.%`, input: `{}`, err: `S0217: The object representing the 'parent' cannot be derived from this expression`},
	}, testEnv)
}

func TestTupleStreams(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{expr: `library.books#$i["Kernighan" in authors].{"title": title, "index": $i}`, input: library,
			want: `[{"title": "The C Programming Language", "index": 1}, {"title": "The AWK Programming Language", "index": 2}]`},
		{expr: `library.loans@$l.books@$b[$l.isbn = $b.isbn].customers[$l.customer = id].{"customer": name, "book": $b.title, "due": $l.return}`, input: library,
			want: `[{"customer": "Joe Doe", "book": "Structure and Interpretation of Computer Programs", "due": "2016-12-05"},
				{"customer": "Jason Arthur", "book": "Compilers: Principles, Techniques, and Tools", "due": "2016-10-22"}]`},
		{expr: `library.loans@$l.books@$b[$l.isbn = $b.isbn]{$b.title: $l.customer}`, input: library,
			want: `{"Structure and Interpretation of Computer Programs": "10001", "Compilers: Principles, Techniques, and Tools": "10003"}`},
		{expr: `library.books@$b.$b.authors@$a{$a: $b.title}`, input: library,
			want: `{"Abelson": "Structure and Interpretation of Computer Programs", "Sussman": "Structure and Interpretation of Computer Programs",
				"Kernighan": ["The C Programming Language", "The AWK Programming Language"], "Richie": "The C Programming Language",
				"Aho": ["The AWK Programming Language", "Compilers: Principles, Techniques, and Tools"], "Weinberger": "The AWK Programming Language",
				"Lam": "Compilers: Principles, Techniques, and Tools", "Sethi": "Compilers: Principles, Techniques, and Tools", "Ullman": "Compilers: Principles, Techniques, and Tools"}`},
		{expr: `library.books^(>copies)#$i.{"t": title, "i": $i}[i < 2].t`, input: library,
			want: `["The C Programming Language", "Structure and Interpretation of Computer Programs"]`},
		{expr: `[1, 2, 3][[0, 2]]`, want: `[1, 3]`},
		{expr: `[1, 2, 3][1.5]`, want: `2`},
		{expr: `[1, 2, 3][-5]`, want: ``},
		{expr: `[[1, 2], [3, 4]][0]`, want: `[1, 2]`},
	}, testEnv)
}
