package simulate

import (
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/foidesk/foidesk/internal/foi"
	"github.com/foidesk/foidesk/internal/force"
	"github.com/foidesk/foidesk/internal/mailtest"
	"github.com/foidesk/foidesk/internal/match"
	"github.com/foidesk/foidesk/internal/pdfwrite"
)

// Behaviour is how a simulated force treats a request.
type Behaviour string

const (
	OnTime        Behaviour = "on_time"        // acknowledges, answers well before the due date
	LateOne       Behaviour = "late_one"       // answers after the first reminder
	LateTwo       Behaviour = "late_two"       // answers after the second reminder
	Clarifies     Behaviour = "clarifies"      // asks for clarification, answers once clarified
	Extends       Behaviour = "extends"        // claims a public-interest extension, answers by it
	RefusesCost   Behaviour = "refuses_s12"    // refuses on cost (s.12)
	RefusesPerson Behaviour = "refuses_s40"    // refuses on personal information (s.40)
	NotHeld       Behaviour = "not_held"       // says the information is not held
	Partial       Behaviour = "partial"        // answers in part, with data
	Silent        Behaviour = "silent"         // never answers: the ladder runs to the regulator
	AckOnly       Behaviour = "ack_then_quiet" // acknowledges, then nothing until the internal review
	Corrects      Behaviour = "corrects"       // answers, then sends a corrected file
	AfterClose    Behaviour = "after_close"    // silent until the request is closed, then answers
)

// mix is the share of each behaviour among 44 forces, shuffled by seed.
var mix = []struct {
	b Behaviour
	n int
}{
	{OnTime, 14}, {LateOne, 6}, {LateTwo, 3}, {Clarifies, 2}, {Extends, 3}, {RefusesCost, 3},
	{RefusesPerson, 1}, {NotHeld, 2}, {Partial, 2}, {Silent, 3}, {AckOnly, 3}, {Corrects, 1}, {AfterClose, 1},
}

// Options configure a simulation.
type Options struct {
	Seed uint64
	// Scale is campaign time per real time: 86400 makes a day pass in a
	// second. Replies are timed in campaign days.
	Scale float64
	// Forces to play; default all44.
	Forces []force.Force
	// Years the request asks about (default 2022–2024).
	Years []int
	// DeskAddress is where replies are addressed.
	DeskAddress string
	// Deliver, when set, receives each reply instead of the simulator's
	// in-memory IMAP server (a real mail server: Dovecot).
	Deliver func(raw []byte) error
	Logger  *slog.Logger
}

// Force is one simulated force.
type Force struct {
	force.Force
	Behaviour Behaviour
	Layout    Layout
	Reference string
	Data      *Dataset // figures it will send, if it answers with data
	// Covering: its answer's email says only "please find attached".
	Covering bool
	// Letter: its refusal or not-held answer comes as a PDF letter under a
	// covering line, as many forces send their decisions.
	Letter bool
	// Twin names a force that sends the very same file (a shared
	// collaboration's extract): identical bytes, each force's own figures.
	Twin string

	mu        sync.Mutex
	requestID string // Message-ID of the request, once received
	received  time.Time
	sent      map[Kind]bool
	answered  bool
}

// Simulator plays the forces behind an SMTP and an IMAP server.
type Simulator struct {
	SMTP   *mailtest.SMTPServer
	IMAP   *mailtest.IMAPServer
	Forces map[string]*Force

	opts   Options
	mu     sync.Mutex
	origin time.Time // real time of the first request: campaign time's origin
	truth  []Figure
	kinds  map[string]Kind // Message-ID → the kind of reply sent
	// delivered: Message-ID → when the reply reached the mailbox.
	delivered map[string]time.Time
	sends     int
	// undelivered counts replies the mailbox refused every time.
	undelivered int
	retryAfter  time.Duration // the wait before a second delivery; the n-th waits n times it
	log         *slog.Logger
	wg          sync.WaitGroup
	done        chan struct{}
}

// Start draws each force's behaviour and figures from the seed and starts
// the mail servers. Close stops them.
func Start(opts *Options) (*Simulator, error) {
	o := Options{Scale: 86400, DeskAddress: "foi-desk@newsroom.example", Logger: slog.Default()}
	if opts != nil {
		o.Seed, o.Forces, o.Years = opts.Seed, opts.Forces, opts.Years
		if opts.Scale > 0 {
			o.Scale = opts.Scale
		}
		if opts.DeskAddress != "" {
			o.DeskAddress = opts.DeskAddress
		}
		if opts.Logger != nil {
			o.Logger = opts.Logger
		}
		o.Deliver = opts.Deliver
	}
	if o.Forces == nil {
		fs, err := force.Group("all44")
		if err != nil {
			return nil, err
		}
		o.Forces = fs
	}
	if o.Years == nil {
		o.Years = []int{2022, 2023, 2024}
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x666f6964))
	var behaviours []Behaviour
	for _, m := range mix {
		for range m.n {
			behaviours = append(behaviours, m.b)
		}
	}
	for len(behaviours) < len(o.Forces) {
		behaviours = append(behaviours, OnTime)
	}
	r.Shuffle(len(behaviours), func(i, j int) { behaviours[i], behaviours[j] = behaviours[j], behaviours[i] })
	s := &Simulator{Forces: map[string]*Force{}, opts: o, log: o.Logger, retryAfter: time.Second, done: make(chan struct{}), kinds: map[string]Kind{},
		delivered: map[string]time.Time{}}
	dataForces := 0
	for i, f := range o.Forces {
		b := behaviours[i]
		sf := &Force{Force: f, Behaviour: b, sent: map[Kind]bool{},
			Reference: reference(f.Slug, r.IntN(90000), o.Years[len(o.Years)-1]+2)}
		if b.answersWithData() {
			suppress := []string{"", "<5", "*"}[r.IntN(3)]
			sf.Data = newDataset(r, f.Slug, o.Years, suppress)
			sf.Layout = Layouts[dataForces%len(Layouts)]
			dataForces++
		}
		s.Forces[f.Slug] = sf
	}
	s.pairForces(o.Forces)
	var err error
	if s.SMTP, err = mailtest.StartSMTP(); err != nil {
		return nil, err
	}
	if s.IMAP, err = mailtest.StartIMAP("desk", "desk-password"); err != nil {
		s.SMTP.Close()
		return nil, err
	}
	s.SMTP.OnMessage = s.receive
	return s, nil
}

// reference is a force's reference for the request, in its own format.
func reference(force string, n, year int) string {
	switch force {
	case "police-scotland":
		return fmt.Sprintf("IM-FOI-%d-%04d", year, n%10000)
	case "psni":
		return fmt.Sprintf("F-%d-%05d", year, n%100000)
	}
	return fmt.Sprintf("FOI/%05d/%02d", 1000+n, year%100)
}

func (b Behaviour) answersWithData() bool {
	switch b {
	case OnTime, LateOne, LateTwo, Clarifies, Extends, Partial, Corrects, AfterClose:
		return true
	}
	return false
}

// pairForces gives the first two forces that answer on time with data the
// same figures in the same CSV file, byte for byte, and makes the third
// answer with a one-line covering email; the choice follows the seeded
// behaviours, so a seed reproduces it.
func (s *Simulator) pairForces(order []force.Force) {
	var onTime []*Force
	for _, f := range order {
		if sf := s.Forces[f.Slug]; sf.Behaviour == OnTime && sf.Data != nil {
			onTime = append(onTime, sf)
		}
	}
	if len(onTime) >= 2 {
		a, b := onTime[0], onTime[1]
		a.Layout, b.Layout = LayoutCSVLong, LayoutCSVLong
		b.Data = a.Data.forForce(b.Slug)
		a.Twin, b.Twin = b.Slug, a.Slug
	}
	if len(onTime) >= 3 {
		c := onTime[2]
		c.Covering = true
		if c.Layout == LayoutHTMLBody {
			c.Layout = LayoutXLSXWide // a covering note needs an attachment
		}
	}
	// The first force to refuse on cost, and the first to say "not held",
	// put their decision in an attached letter.
	seen := map[Behaviour]bool{}
	for _, f := range order {
		if sf := s.Forces[f.Slug]; (sf.Behaviour == RefusesCost || sf.Behaviour == NotHeld) && !seen[sf.Behaviour] {
			seen[sf.Behaviour] = true
			sf.Letter = true
		}
	}
}

// Close stops the servers and any pending replies.
func (s *Simulator) Close() {
	close(s.done)
	s.SMTP.Close()
	s.IMAP.Close()
}

// Truth returns every figure the forces have sent so far.
func (s *Simulator) Truth() []Figure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.truth)
}

// Sent says what kind of reply the message with Message-ID id was, for
// the demo's desk, which reads the replies the classifier is unsure of
// and knows them for what they are.
func (s *Simulator) Sent(id string) (Kind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.kinds[id]
	return k, ok
}

// Delivered returns when each reply reached the mailbox, by Message-ID.
func (s *Simulator) Delivered() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.delivered)
}

// Received counts the emails the forces have received.
func (s *Simulator) Received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends
}

// Purpose tells foidesk's emails apart by their subject lines: request,
// reminder, second_reminder, internal_review, clarification_answer or other
// (the foi.Purpose names).
func Purpose(subject string) string { return string(purposeOf(subject)) }

func purposeOf(subject string) foi.Purpose {
	switch {
	case strings.HasPrefix(subject, "Freedom of Information request"):
		return foi.PurposeRequest
	case strings.HasPrefix(subject, "Internal review request"):
		return foi.PurposeInternalReview
	case strings.Contains(subject, "second reminder"):
		return foi.PurposeSecondReminder
	case strings.Contains(subject, "clarification"):
		return foi.PurposeClarificationAnswer
	case strings.HasPrefix(subject, "Re: "):
		return foi.PurposeReminder
	}
	return foi.PurposeOther
}

// Token returns the request token in a subject ("cro-2026/durham"), or "".
func Token(subject string) string {
	if toks := match.Tokens(subject); len(toks) > 0 {
		return toks[0]
	}
	return ""
}

// tokenForce is the force slug of a subject's token.
func tokenForce(subject string) string {
	tok := Token(subject)
	return tok[strings.LastIndexByte(tok, '/')+1:]
}

// receive reacts to one of foidesk's emails.
func (s *Simulator) receive(m mailtest.Received) {
	s.mu.Lock()
	s.sends++
	s.mu.Unlock()
	f := s.Forces[tokenForce(m.Subject)]
	if f == nil {
		return // the regulator, or someone else
	}
	p := purposeOf(m.Subject)
	f.mu.Lock()
	defer f.mu.Unlock()
	if p == foi.PurposeRequest && f.requestID == "" {
		f.requestID, f.received = m.MessageID, m.At
		s.mu.Lock()
		if s.origin.IsZero() || m.At.Before(s.origin) {
			s.origin = m.At
		}
		s.mu.Unlock()
	}
	if f.answered || f.requestID == "" {
		return
	}
	for _, st := range scripts[f.Behaviour] {
		if st.on == p {
			s.after(st.after, f, st.kind, m.Subject)
		}
	}
}

// step is one reply of a behaviour: on receiving mail of purpose on, reply
// with kind after so many campaign days.
type step struct {
	on    foi.Purpose
	after float64
	kind  Kind
}

// scripts is what each behaviour answers to what.
var scripts = map[Behaviour][]step{
	OnTime:        {{foi.PurposeRequest, 1, KindAck}, {foi.PurposeRequest, 12, KindResponse}},
	LateOne:       {{foi.PurposeRequest, 2, KindAck}, {foi.PurposeReminder, 2, KindResponse}},
	LateTwo:       {{foi.PurposeSecondReminder, 3, KindResponse}},
	Clarifies:     {{foi.PurposeRequest, 3, KindClarification}, {foi.PurposeClarificationAnswer, 1, KindAck}, {foi.PurposeClarificationAnswer, 8, KindResponse}},
	Extends:       {{foi.PurposeRequest, 1, KindAck}, {foi.PurposeRequest, 26, KindExtension}, {foi.PurposeRequest, 40, KindResponse}}, // the extension just before the due date
	RefusesCost:   {{foi.PurposeRequest, 2, KindAck}, {foi.PurposeRequest, 15, KindRefusalS12}},
	RefusesPerson: {{foi.PurposeRequest, 18, KindRefusalS40}},
	NotHeld:       {{foi.PurposeRequest, 9, KindNotHeld}},
	Partial:       {{foi.PurposeRequest, 1, KindAck}, {foi.PurposeRequest, 20, KindPartial}},
	AckOnly:       {{foi.PurposeRequest, 1, KindAck}},
	Corrects:      {{foi.PurposeRequest, 1, KindAck}, {foi.PurposeRequest, 12, KindResponse}, {foi.PurposeRequest, 24, KindCorrection}},
	// AfterClose answers long after its internal review: past the
	// regulator's rung and the request's closing.
	AfterClose: {{foi.PurposeInternalReview, 50, KindResponse}},
	// Silent answers nothing.
}

// after delivers a reply afterDays campaign days from now.
func (s *Simulator) after(days float64, f *Force, k Kind, subject string) {
	d := time.Duration(days * 24 * float64(time.Hour) / s.opts.Scale)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-s.done:
			return
		case <-time.After(d):
		}
		if err := s.deliver(f, k, subject); err != nil {
			s.log.Error("simulated reply not delivered", slog.String("force", f.Slug), slog.String("kind", string(k)), slog.Any("err", err))
		}
	}()
}

func (s *Simulator) deliver(f *Force, k Kind, subject string) error {
	f.mu.Lock()
	if (f.answered && k != KindCorrection) || f.sent[k] {
		f.mu.Unlock()
		return nil
	}
	f.sent[k] = true
	final := k != KindAck && k != KindClarification && k != KindExtension && k != KindCorrection
	if final {
		f.answered = true
	}
	now := time.Now()
	received := f.received
	f.mu.Unlock()

	// Letters speak in campaign dates. Campaign time runs Scale times
	// faster than real time from the moment the first request arrived.
	s.mu.Lock()
	origin := s.origin
	s.mu.Unlock()
	camp := func(t time.Time) time.Time {
		return origin.Add(time.Duration(float64(t.Sub(origin)) * s.opts.Scale))
	}
	due := camp(now).AddDate(0, 0, 20)
	if !strings.HasPrefix(subject, "Re: ") && !strings.HasPrefix(subject, "RE: ") {
		subject = "RE: " + subject
	}
	e := email{
		From:      fmt.Sprintf("%s FOI Unit <%s>", f.ShortName, f.FOIEmail),
		To:        s.opts.DeskAddress,
		Subject:   subject,
		MessageID: fmt.Sprintf("%s.%s.%d@%s", k, f.Slug, now.UnixNano(), domainOf(f.FOIEmail)),
		InReplyTo: f.requestID,
		Date:      now,
		Text:      letterFrom(f.Slug, k, f.Reference, camp(received), due),
	}
	if k == KindResponse && f.Covering {
		e.Text = letter(KindCovering, f.Reference, camp(received), due)
	}
	if f.Letter && (k == KindRefusalS12 || k == KindRefusalS40 || k == KindNotHeld) {
		e.Attachment = &Attachment{Filename: "FOI response " + strings.ReplaceAll(f.Reference, "/", "-") + ".pdf",
			ContentType: "application/pdf", Data: pdfwrite.Letter(wrapText(e.Text, 90))}
		e.Text = letter(KindCovering, f.Reference, camp(received), due)
	}
	data := f.Data
	if k == KindCorrection {
		data = data.corrected()
	}
	withData := k == KindResponse || k == KindPartial || k == KindCorrection
	if withData {
		name := f.Name
		if f.Twin != "" {
			name = "Regional collaboration" // the twins' shared file names neither force
		}
		att, body, err := Render(data, f.Layout, name)
		if err != nil {
			return err
		}
		e.Attachment = att
		if body != "" {
			e.HTML = strings.Replace(body, "<p>Please find below the information you requested.</p>",
				"<p>"+strings.ReplaceAll(strings.TrimSpace(e.Text), "\n\n", "</p><p>")+"</p>", 1)
		}
	}
	s.mu.Lock()
	s.kinds[e.MessageID] = k
	s.mu.Unlock()
	deliver := func(raw []byte) error { return s.IMAP.Deliver("INBOX", raw) }
	if s.opts.Deliver != nil {
		deliver = s.opts.Deliver
	}
	// A mail server that cannot take a message now is tried again, as a
	// sending server would; the truth is what reached the mailbox.
	raw := e.raw()
	var err error
	for attempt := range deliverAttempts {
		if attempt > 0 {
			select {
			case <-s.done:
				return err
			case <-time.After(time.Duration(attempt) * s.retryAfter):
			}
		}
		if err = deliver(raw); err == nil {
			break
		}
		s.log.Warn("simulated reply not delivered; trying again", slog.String("force", f.Slug),
			slog.String("kind", string(k)), slog.Int("attempt", attempt+1), slog.Any("err", err))
	}
	if err != nil {
		s.mu.Lock()
		s.undelivered++
		s.mu.Unlock()
		return err
	}
	s.mu.Lock()
	s.delivered[e.MessageID] = time.Now()
	if withData {
		// The figures a correction replaces are no longer the force's.
		s.truth = slices.DeleteFunc(s.truth, func(fig Figure) bool { return fig.Force == f.Slug })
		s.truth = append(s.truth, data.Figures...)
	}
	s.mu.Unlock()
	if k == KindCorrection {
		f.mu.Lock()
		f.Data = data
		f.mu.Unlock()
	}
	return nil
}

// deliverAttempts is how often a reply is offered to the mailbox before
// the simulator gives up on it (and Undelivered counts it).
const deliverAttempts = 5

// Undelivered counts the replies the mailbox never took: a run with any
// cannot be compared with the truth.
func (s *Simulator) Undelivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.undelivered
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}

// Wait waits for pending replies to be delivered or the simulator closed.
func (s *Simulator) Wait() { s.wg.Wait() }
