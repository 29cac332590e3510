package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

func logEvents(ts0 int64, msgs ...string) []store.InputLogEvent {
	out := make([]store.InputLogEvent, len(msgs))
	for i, m := range msgs {
		out[i] = store.InputLogEvent{Timestamp: ts0 + int64(i), Message: m}
	}
	return out
}

func putEvents(t *testing.T, s store.Store, group, stream string, create bool, events ...store.InputLogEvent) error {
	t.Helper()
	return s.LogEventsPut(t.Context(), &store.LogEventsPutParams{Create: create, Batches: []store.LogEventBatch{
		{Account: account1, Region: region1, Group: group, Stream: stream, Events: events}}})
}

func listEvents(t *testing.T, s store.Store, p store.LogEventListParams) []string {
	t.Helper()
	p.Account, p.Region = account1, region1
	res, err := s.LogEventList(t.Context(), &p)
	require.NoError(t, err)
	out := make([]string, len(res.Events))
	for i, ev := range res.Events {
		out[i] = ev.Stream + ":" + ev.Message
	}
	return out
}

func groupNames(t *testing.T, s store.Store, account, prefix string, limit int) []string {
	t.Helper()
	var (
		names []string
		after string
	)
	for range 1000 {
		page, err := s.LogGroupList(t.Context(), &store.LogGroupListParams{Account: account, Region: region1, Prefix: prefix, After: after, Limit: limit})
		require.NoError(t, err)
		for _, g := range page.Groups {
			names = append(names, g.Name)
		}
		if page.Next == "" {
			return names
		}
		require.Len(t, page.Groups, limit, "a page with a Next cursor is full")
		after = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func streamNames(t *testing.T, s store.Store, p store.LogStreamListParams) []string {
	t.Helper()
	p.Account, p.Region = account1, region1
	var names []string
	for range 1000 {
		page, err := s.LogStreamList(t.Context(), &p)
		require.NoError(t, err)
		for _, st := range page.Streams {
			names = append(names, st.Name)
		}
		if page.Next == "" {
			return names
		}
		require.Len(t, page.Streams, p.Limit)
		p.After = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func exerciseLogs(t *testing.T, setup setupFunc) {
	t.Run("Groups", func(t *testing.T) {
		s, ctx := setup(t)
		before := time.Now()
		g, err := s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region1, Name: "/aws/lambda/a"})
		require.NoError(t, err)
		require.Equal(t, "/aws/lambda/a", g.Name)
		requireRecent(t, before, g.CreatedAt)
		_, err = s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region1, Name: "/aws/lambda/a"})
		require.ErrorIs(t, err, store.ErrAlreadyExists)
		// Same name elsewhere is another group.
		_, err = s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account2, Region: region1, Name: "/aws/lambda/a"})
		require.NoError(t, err)
		_, err = s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region2, Name: "/aws/lambda/a"})
		require.NoError(t, err)

		got, err := s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account1, Region: region1, Name: "/aws/lambda/a"})
		require.NoError(t, err)
		require.Equal(t, g, got)
		_, err = s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account1, Region: region1, Name: "nope"})
		require.ErrorIs(t, err, store.ErrLogGroupNotFound)
		require.ErrorIs(t, err, store.ErrNotFound)

		names := []string{"/aws/lambda/b", "/aws/lambda/ab", "/aws/lambda", "/aws/lambdax", "app", "App", "/aws/sfn/x", "z.1", "z-1", "z_1", "z#1"}
		for _, n := range shuffled(names) {
			_, err := s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region1, Name: n})
			require.NoError(t, err)
		}
		all := append(slices.Clone(names), "/aws/lambda/a")
		slices.Sort(all)
		for _, limit := range []int{1, 2, 3, 50} {
			require.Equal(t, all, groupNames(t, s, account1, "", limit), "limit %d", limit)
		}
		require.Equal(t, []string{"/aws/lambda", "/aws/lambda/a", "/aws/lambda/ab", "/aws/lambda/b", "/aws/lambdax"}, groupNames(t, s, account1, "/aws/lambda", 2))
		require.Equal(t, []string{"/aws/lambda/a", "/aws/lambda/ab", "/aws/lambda/b"}, groupNames(t, s, account1, "/aws/lambda/", 1))
		require.Equal(t, []string{"app"}, groupNames(t, s, account1, "a", 10))
		require.Empty(t, groupNames(t, s, account1, "zz", 10))
		require.Equal(t, []string{"/aws/lambda/a"}, groupNames(t, s, account2, "", 10))

		require.NoError(t, s.LogGroupDelete(ctx, &store.LogGroupDeleteParams{Account: account1, Region: region1, Name: "/aws/lambda/a"}))
		require.ErrorIs(t, s.LogGroupDelete(ctx, &store.LogGroupDeleteParams{Account: account1, Region: region1, Name: "/aws/lambda/a"}), store.ErrLogGroupNotFound)
		_, err = s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account2, Region: region1, Name: "/aws/lambda/a"})
		require.NoError(t, err, "the other account's group stays")
	})

	t.Run("Streams", func(t *testing.T) {
		s, ctx := setup(t)
		_, err := s.LogStreamCreate(ctx, &store.LogStreamCreateParams{Account: account1, Region: region1, Group: "g", Name: "s"})
		require.ErrorIs(t, err, store.ErrLogGroupNotFound)
		_, err = s.LogStreamList(ctx, &store.LogStreamListParams{Account: account1, Region: region1, Group: "g"})
		require.ErrorIs(t, err, store.ErrLogGroupNotFound)
		_, err = s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region1, Name: "g"})
		require.NoError(t, err)

		before := time.Now()
		st, err := s.LogStreamCreate(ctx, &store.LogStreamCreateParams{Account: account1, Region: region1, Group: "g", Name: "2024/01/02/[$LATEST]b"})
		require.NoError(t, err)
		requireRecent(t, before, st.CreatedAt)
		require.Zero(t, st.LastEventTime)
		_, err = s.LogStreamCreate(ctx, &store.LogStreamCreateParams{Account: account1, Region: region1, Group: "g", Name: "2024/01/02/[$LATEST]b"})
		require.ErrorIs(t, err, store.ErrAlreadyExists)
		for _, n := range shuffled([]string{"2024/01/02/[$LATEST]a", "2024/01/01/[1]c", "other", "Other"}) {
			_, err = s.LogStreamCreate(ctx, &store.LogStreamCreateParams{Account: account1, Region: region1, Group: "g", Name: n})
			require.NoError(t, err)
		}
		// Events make the last-event order differ from the name order.
		require.NoError(t, putEvents(t, s, "g", "other", false, logEvents(3000, "x")...))
		require.NoError(t, putEvents(t, s, "g", "2024/01/02/[$LATEST]b", false, logEvents(1000, "x", "y")...))
		require.NoError(t, putEvents(t, s, "g", "2024/01/01/[1]c", false, logEvents(2000, "x")...))

		byName := []string{"2024/01/01/[1]c", "2024/01/02/[$LATEST]a", "2024/01/02/[$LATEST]b", "Other", "other"}
		for _, limit := range []int{1, 2, 50} {
			require.Equal(t, byName, streamNames(t, s, store.LogStreamListParams{Group: "g", Limit: limit}))
			desc := slices.Clone(byName)
			slices.Reverse(desc)
			require.Equal(t, desc, streamNames(t, s, store.LogStreamListParams{Group: "g", Limit: limit, Descending: true}))
			// No events count as 0; ties by name.
			byLast := []string{"2024/01/02/[$LATEST]a", "Other", "2024/01/02/[$LATEST]b", "2024/01/01/[1]c", "other"}
			require.Equal(t, byLast, streamNames(t, s, store.LogStreamListParams{Group: "g", Limit: limit, ByLastEvent: true}))
			slices.Reverse(byLast)
			require.Equal(t, byLast, streamNames(t, s, store.LogStreamListParams{Group: "g", Limit: limit, ByLastEvent: true, Descending: true}))
		}
		require.Equal(t, []string{"2024/01/02/[$LATEST]a", "2024/01/02/[$LATEST]b"},
			streamNames(t, s, store.LogStreamListParams{Group: "g", Prefix: "2024/01/02/", Limit: 1}))

		page, err := s.LogStreamList(ctx, &store.LogStreamListParams{Account: account1, Region: region1, Group: "g", Prefix: "2024/01/02/[$LATEST]b"})
		require.NoError(t, err)
		require.Len(t, page.Streams, 1)
		require.Equal(t, int64(1000), page.Streams[0].FirstEventTime)
		require.Equal(t, int64(1001), page.Streams[0].LastEventTime)
		require.InDelta(t, time.Now().UnixMilli(), page.Streams[0].LastIngestionAt, 60_000)

		g, err := s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account1, Region: region1, Name: "g"})
		require.NoError(t, err)
		require.Equal(t, int64(4), g.StoredBytes)

		require.NoError(t, s.LogStreamDelete(ctx, &store.LogStreamDeleteParams{Account: account1, Region: region1, Group: "g", Name: "2024/01/02/[$LATEST]b"}))
		require.ErrorIs(t, s.LogStreamDelete(ctx, &store.LogStreamDeleteParams{Account: account1, Region: region1, Group: "g", Name: "2024/01/02/[$LATEST]b"}),
			store.ErrLogStreamNotFound)
		require.ErrorIs(t, s.LogStreamDelete(ctx, &store.LogStreamDeleteParams{Account: account1, Region: region1, Group: "nope", Name: "x"}),
			store.ErrLogGroupNotFound)
		require.Equal(t, []string{"2024/01/01/[1]c:x", "other:x"}, listEvents(t, s, store.LogEventListParams{Group: "g"}),
			"the stream's events went with it")
		g, err = s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account1, Region: region1, Name: "g"})
		require.NoError(t, err)
		require.Equal(t, int64(2), g.StoredBytes)
	})

	t.Run("Events", func(t *testing.T) {
		s, ctx := setup(t)
		require.ErrorIs(t, putEvents(t, s, "g", "a", false, logEvents(1, "x")...), store.ErrLogGroupNotFound)
		_, err := s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g"})
		require.ErrorIs(t, err, store.ErrLogGroupNotFound)
		_, err = s.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: account1, Region: region1, Name: "g"})
		require.NoError(t, err)
		require.ErrorIs(t, putEvents(t, s, "g", "a", false, logEvents(1, "x")...), store.ErrLogStreamNotFound)

		// Create makes what is missing; events interleave by time, then by
		// ingestion order (b's 1000 was ingested before a's 1000).
		before := time.Now().UnixMilli()
		require.NoError(t, s.LogEventsPut(ctx, &store.LogEventsPutParams{Create: true, Batches: []store.LogEventBatch{
			{Account: account1, Region: region1, Group: "g", Stream: "b", Events: logEvents(1000, "b0", "b1", "b2")},
			{Account: account1, Region: region1, Group: "g", Stream: "a", Events: logEvents(1000, "a0", "a1")},
			{Account: account1, Region: region1, Group: "new/group", Stream: "s", Events: logEvents(5, "n0")},
		}}))
		require.NoError(t, putEvents(t, s, "g", "a", false, store.InputLogEvent{Timestamp: 999, Message: "a-early 한글"},
			store.InputLogEvent{Timestamp: 2000, Message: "a-late"}))
		all := []string{"a:a-early 한글", "b:b0", "a:a0", "b:b1", "a:a1", "b:b2", "a:a-late"}
		require.Equal(t, all, listEvents(t, s, store.LogEventListParams{Group: "g"}))
		require.Equal(t, []string{"s:n0"}, listEvents(t, s, store.LogEventListParams{Group: "new/group"}))

		res, err := s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g"})
		require.NoError(t, err)
		seqs := map[int64]bool{}
		for _, ev := range res.Events {
			require.GreaterOrEqual(t, ev.IngestionTime, before-1)
			require.LessOrEqual(t, ev.IngestionTime, time.Now().UnixMilli()+1)
			require.False(t, seqs[ev.Seq], "Seq is unique")
			seqs[ev.Seq] = true
		}
		require.Less(t, res.Events[1].Seq, res.Events[2].Seq, "b's batch was ingested first")
		require.Greater(t, res.Events[0].Seq, res.Events[1].Seq, "a-early was ingested last")

		// Time range: start inclusive, end exclusive.
		require.Equal(t, []string{"b:b1", "a:a1"}, listEvents(t, s, store.LogEventListParams{Group: "g", StartTime: 1001, EndTime: 1002}))
		require.Equal(t, []string{"a:a-late"}, listEvents(t, s, store.LogEventListParams{Group: "g", StartTime: 1003}))
		// Streams and prefixes.
		require.Equal(t, []string{"b:b0", "b:b1", "b:b2"}, listEvents(t, s, store.LogEventListParams{Group: "g", Streams: []string{"b", "nope"}}))
		require.Equal(t, all, listEvents(t, s, store.LogEventListParams{Group: "g", Streams: []string{"b", "a", "b"}}))
		require.Empty(t, listEvents(t, s, store.LogEventListParams{Group: "g", Streams: []string{"nope"}}))
		_, err = s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g", Streams: []string{"a", "nope"}, RequireStreams: true})
		require.ErrorIs(t, err, store.ErrLogStreamNotFound)
		require.Equal(t, []string{"a:a-early 한글", "a:a0", "a:a1", "a:a-late"}, listEvents(t, s, store.LogEventListParams{Group: "g", StreamPrefix: "a"}))
		require.Empty(t, listEvents(t, s, store.LogEventListParams{Group: "g", StreamPrefix: "c"}))

		// Paging both ways with cursors.
		var got []string
		var after *store.LogEventCursor
		for {
			res, err := s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g", After: after, Limit: 2})
			require.NoError(t, err)
			for _, ev := range res.Events {
				got = append(got, ev.Stream+":"+ev.Message)
			}
			if !res.More {
				break
			}
			require.Len(t, res.Events, 2)
			last := res.Events[len(res.Events)-1]
			after = &store.LogEventCursor{Timestamp: last.Timestamp, Seq: last.Seq}
		}
		require.Equal(t, all, got)
		got = nil
		var beforeCur *store.LogEventCursor
		for {
			res, err := s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g", Before: beforeCur, Limit: 3, Descending: true})
			require.NoError(t, err)
			for _, ev := range res.Events {
				got = append(got, ev.Stream+":"+ev.Message)
			}
			if !res.More {
				break
			}
			last := res.Events[len(res.Events)-1]
			beforeCur = &store.LogEventCursor{Timestamp: last.Timestamp, Seq: last.Seq}
		}
		rev := slices.Clone(all)
		slices.Reverse(rev)
		require.Equal(t, rev, got)
		// One stream, descending, between two cursors.
		res, err = s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g", Streams: []string{"a"}, RequireStreams: true})
		require.NoError(t, err)
		require.Len(t, res.Events, 4)
		first, last := res.Events[0], res.Events[3]
		require.Equal(t, []string{"a:a1", "a:a0"}, listEvents(t, s, store.LogEventListParams{Group: "g", Streams: []string{"a"}, Descending: true,
			After:  &store.LogEventCursor{Timestamp: first.Timestamp, Seq: first.Seq},
			Before: &store.LogEventCursor{Timestamp: last.Timestamp, Seq: last.Seq}}))

		// Deleting the group deletes its events: a new group of the same name is empty.
		require.NoError(t, s.LogGroupDelete(ctx, &store.LogGroupDeleteParams{Account: account1, Region: region1, Name: "g"}))
		require.NoError(t, putEvents(t, s, "g", "a", true, logEvents(1, "fresh")...))
		require.Equal(t, []string{"a:fresh"}, listEvents(t, s, store.LogEventListParams{Group: "g"}))
	})

	// Writers creating and filling the same groups and streams at once, in
	// different orders (PostgreSQL: several nodes), all succeed.
	t.Run("ConcurrentPuts", func(t *testing.T) {
		s, ctx := setup(t)
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				for i := range 10 {
					batches := []store.LogEventBatch{
						{Account: account1, Region: region1, Group: "c1", Stream: "s", Events: logEvents(int64(i), "x")},
						{Account: account1, Region: region1, Group: "c2", Stream: "s", Events: logEvents(int64(i), "y", "z")},
					}
					if w%2 == 1 {
						batches[0], batches[1] = batches[1], batches[0]
					}
					if !assertNoError(t, s.LogEventsPut(ctx, &store.LogEventsPutParams{Create: true, Batches: batches})) {
						return
					}
				}
			})
		}
		wg.Wait()
		require.Len(t, listEvents(t, s, store.LogEventListParams{Group: "c1"}), 60)
		require.Len(t, listEvents(t, s, store.LogEventListParams{Group: "c2"}), 120)
	})

	t.Run("GroupCap", func(t *testing.T) {
		s, ctx := setup(t)
		for i := range 5 {
			var batches []store.LogEventBatch
			for _, stream := range []string{"x", "y"} {
				var evs []store.InputLogEvent
				for j := range 3 {
					evs = append(evs, store.InputLogEvent{Timestamp: int64(100*i + j), Message: fmt.Sprintf("%s%d", stream, 10*i+j)})
				}
				batches = append(batches, store.LogEventBatch{Account: account1, Region: region1, Group: "capped", Stream: stream, Events: evs})
			}
			require.NoError(t, s.LogEventsPut(ctx, &store.LogEventsPutParams{Create: true, MaxGroupEvents: 8, Batches: batches}))
		}
		// 30 events were written; the 8 newest remain.
		require.Equal(t, []string{"x:x42", "y:y42"}, listEvents(t, s, store.LogEventListParams{Group: "capped", StartTime: 402}))
		got := listEvents(t, s, store.LogEventListParams{Group: "capped"})
		require.Equal(t, []string{"x:x31", "y:y31", "x:x32", "y:y32", "x:x40", "y:y40", "x:x41", "y:y41", "x:x42", "y:y42"}[2:], got)
		g, err := s.LogGroupGet(ctx, &store.LogGroupGetParams{Account: account1, Region: region1, Name: "capped"})
		require.NoError(t, err)
		require.Equal(t, int64(8*3), g.StoredBytes)
	})
}
