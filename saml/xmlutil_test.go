package saml

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	rtvalidator "github.com/mattermost/xml-roundtrip-validator"
)

// unstableXML are the constructs github.com/mattermost/xml-roundtrip-validator
// reports (from its own tests), plus DTDs. parseXML must refuse each.
var unstableXML = []string{
	`<x::Root/>`,
	`<Root><x::Element></::Element></Root>`,
	`<Root><Element ::attr="foo"></Element></Root>`,
	`<Root :="value"/>`,
	`<Root x:="value"/>`,
	`<Root xmlns="x" xmlns:="y"></Root>`,
	`<Root><! <<!-- -->!-- x --> y></Root>`,
	`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><Root/>`,
	`<! ">" <X/>>`,
	`<Root ::attr="x">]]><x::Element/></Root>`,
	`<x:Root></x:Root>`,
	`<Root xmlns:a="urn:a" a:b:c="x"/>`,
	`<Root xmlns:xmlns="urn:a"/>`,
}

func TestParseXMLRefusesUnstableConstructs(t *testing.T) {
	for _, doc := range unstableXML {
		t.Run(doc, func(t *testing.T) {
			if _, err := parseXML([]byte(doc)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestParseXMLAcceptsOrdinaryNamespaces(t *testing.T) {
	for _, doc := range []string{
		`<Root/>`,
		`<x:Root xmlns:x="http://example.com/"><x:E x:a="1" xml:lang="en"/></x:Root>`,
		`<Root xmlns="http://example.com/1"><!-- c --><![CDATA[t]]></Root>`,
	} {
		if _, err := parseXML([]byte(doc)); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
}

func TestParseXMLForbidsDuplicateAttributes(t *testing.T) {
	_, err := parseXML([]byte(`<Root ID="a" ID="b"/>`))
	if !errors.Is(err, ErrForbiddenXML) {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParseStricterThanRoundTrip checks the claim that replaces the
// round-trip validator: whatever it rejects, parseXML rejects.
func FuzzParseStricterThanRoundTrip(f *testing.F) {
	for _, s := range unstableXML {
		f.Add([]byte(s))
	}
	f.Add([]byte(`<x:Root xmlns:x="http://example.com/"><x:E x:a="1"/></x:Root>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		_, ours := parseXML(data)
		theirs := rtvalidator.Validate(bytes.NewReader(data))
		if theirs != nil && ours == nil {
			t.Fatalf("round-trip validator rejects (%v) but parseXML accepts %q", theirs, data)
		}
	})
}

func TestTextJoinsAroundComments(t *testing.T) {
	doc, err := parseXML([]byte(`<a>user@evil.com<!---->.example.com<![CDATA[!]]></a>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(doc.Root()); got != "user@evil.com.example.com!" {
		t.Fatalf("text = %q", got)
	}
}

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the committed fuzz seed corpora under testdata/fuzz")

// UpdateCorpus tells the external tests whether -update-corpus was given.
func UpdateCorpus() bool { return *updateCorpus }

// WriteCorpus writes seeds as Go fuzz corpus files testdata/fuzz/<target>/seed-NN.
func WriteCorpus(t testing.TB, target string, seeds [][]byte) {
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteRoundTripCorpus(t *testing.T) {
	if !*updateCorpus {
		return
	}
	var seeds [][]byte
	for _, s := range unstableXML {
		seeds = append(seeds, []byte(s))
	}
	WriteCorpus(t, "FuzzParseStricterThanRoundTrip", seeds)
}
