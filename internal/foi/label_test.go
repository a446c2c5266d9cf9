package foi

import "testing"

func TestConditionLabel(t *testing.T) {
	for _, c := range []struct {
		c        Condition
		label    string
		finished bool
	}{
		{Condition{State: StateRegulator, Closed: true, Complaint: OutboundDrafted}, "closed unanswered — complaint drafted", true},
		{Condition{State: StateRegulator, Closed: true, Complaint: OutboundSent}, "closed unanswered — complaint sent", true},
		{Condition{State: StateChased, Closed: true}, "closed unanswered", true},
		{Condition{State: StateRegulator, Complaint: OutboundDrafted}, "regulator — complaint drafted", false},
		{Condition{State: StateChased}, "chased", false},
		{Condition{State: StateDataLoaded, Complaint: OutboundDrafted}, "answered, figures loaded", true},
		{Condition{State: StatePartiallyAnswered}, "partly answered", true},
		{Condition{State: StateDraft, LetterRefused: true}, "not sent — request letter refused", false},
		{Condition{State: StateDraft}, "not sent yet", false},
		{Condition{State: StateSent, LetterRefused: true}, "sent", false}, // resent since
	} {
		if got := c.c.Label(); got != c.label {
			t.Errorf("%+v: label %q, want %q", c.c, got, c.label)
		}
		if got := c.c.Finished(); got != c.finished {
			t.Errorf("%+v: finished %v, want %v", c.c, got, c.finished)
		}
	}
	// Every state, kind and purpose has words of its own, without
	// underscores.
	for _, s := range States() {
		if _, ok := stateLabels[s]; !ok {
			t.Errorf("state %s has no label", s)
		}
	}
	for _, k := range append(Kinds(), KindBounce) {
		if _, ok := kindLabels[k]; !ok {
			t.Errorf("kind %s has no label", k)
		}
	}
	for _, p := range Purposes() {
		if _, ok := purposeLabels[p]; !ok {
			t.Errorf("purpose %s has no label", p)
		}
	}
}

func TestSectionsText(t *testing.T) {
	for in, want := range map[string]string{"s12": "s.12", "s40(2)": "s.40(2)", "section 12": "section 12", "s": "s"} {
		if got := SectionText(in); got != want {
			t.Errorf("SectionText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SectionsText([]string{"s12", "s31(1)", "s40(2)"}); got != "s.12, s.31(1) and s.40(2)" {
		t.Errorf("SectionsText = %q", got)
	}
}
