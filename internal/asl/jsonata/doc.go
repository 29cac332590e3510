// Package jsonata is a JSONata 2.0 engine for AWS Step Functions' JSONata
// query language: Engine() plugs it into asl.CompileWith.
//
// It implements JSONata 2.0.6, the version Step Functions documents: the
// whole expression language (paths, predicates, wildcards and descendants,
// sequences and their flattening, the focus (@), index (#) and parent (%)
// operators, sorting, grouping, object and array constructors, blocks,
// variables, conditions, lambdas with signatures, closures, partial
// application, function chaining (~>), tail calls, the transform
// operator, regular expressions) and the standard function library except
// $eval, which Step Functions does not offer. Errors carry JSONata's codes
// and messages ("T1006: Attempted to invoke a non-function"), which is
// how Step Functions quotes them in States.QueryEvaluationError causes.
//
// Step Functions adds $partition(array, size), $range(start, end, step),
// $hash(data, algorithm), $random([seed]), $uuid() and $parse(json); their
// own failures are error D3200.
//
// The package is pure: no I/O, no clock, no ambient randomness. $now() and
// $millis() report Env.Now, and $random(), $shuffle() and $uuid() draw
// from Env.Random and Env.UUID, so an execution stays a deterministic
// function of its inputs. A seeded $random(seed) returns Java's
// new Random(seed).nextDouble().
//
// Values are those encoding/json produces; numbers from the input may be
// json.Number and stay exact until something computes with them. Results
// are plain JSON values with numbers as json.Number, integers rendered
// without a fraction (1, not 1.0) and other numbers as JavaScript renders
// them. Objects built by expressions keep their key order while the
// expression runs; input objects have lost theirs and iterate in sorted
// key order.
//
// Departures from JSONata in JavaScript, all at the edges: regular
// expressions run on Go's RE2 (look-around and back-references are S0303
// errors); $split(s, "") splits code points rather than UTF-16 units;
// $base64encode/$base64decode use UTF-8 rather than Latin-1 bytes;
// evaluation is bounded (5 million steps, 50 million items or characters,
// a call depth of 2000, values nested 5000 deep: errors U1001-U1004) where
// JavaScript would run out of stack or time.
package jsonata
