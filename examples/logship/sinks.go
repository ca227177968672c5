package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// newSink builds the sink of one sinks[i] entry.
func newSink(ctx context.Context, d *deps, cfg *cli.Config, i int, sc sinkConfig) (logging.Sink, string, error) {
	field := fmt.Sprintf("sinks[%d]", i)
	switch sc.Kind {
	case "cloudwatch":
		ac, err := d.awsConfig(ctx)
		if err != nil {
			return nil, "", err
		}
		s, err := cloudwatch.NewSink(cloudwatchlogs.NewFromConfig(ac), cloudwatch.Options{Group: sc.Group, Stream: sc.Stream, RetentionDays: sc.RetentionDays})
		if err != nil {
			return nil, "", cfg.Errorf(field, "%v", err)
		}
		return s, "CloudWatch Logs group " + sc.Group, nil
	case "opensearch", "elasticsearch":
		o := bulk.Options{URL: sc.URL, IndexPrefix: sc.IndexPrefix, Username: sc.Username}
		if sc.PasswordEnv != "" {
			pw, ok := os.LookupEnv(sc.PasswordEnv)
			if !ok {
				return nil, "", cfg.Errorf(field+".password_env", "environment variable %s is not set", sc.PasswordEnv)
			}
			o.Password = pw
		}
		var tlsc *bulk.TLSConfig
		if sc.CAFile != "" {
			tlsc = &bulk.TLSConfig{CAFile: sc.CAFile}
		}
		if sc.SigV4 == "" {
			o.TLS = tlsc
		} else {
			ac, err := d.awsConfig(ctx)
			if err != nil {
				return nil, "", err
			}
			region := sc.Region
			if region == "" {
				region = ac.Region
			}
			base := http.DefaultTransport.(*http.Transport).Clone()
			if tlsc != nil {
				u, err := url.Parse(sc.URL)
				if err != nil {
					return nil, "", cfg.Errorf(field+".url", "%v", err)
				}
				if base.TLSClientConfig, err = tlsc.Client(u.Hostname()); err != nil {
					return nil, "", cfg.Errorf(field+".ca_file", "%v", err)
				}
			}
			rt, err := bulk.NewSigV4Transport(bulk.SigV4{Credentials: ac.Credentials, Region: region, Service: sc.SigV4, Base: base})
			if err != nil {
				return nil, "", cfg.Errorf(field+".sigv4", "%v", err)
			}
			o.Client = &http.Client{Transport: rt, Timeout: time.Minute}
		}
		s, err := bulk.NewSink(o)
		if err != nil {
			// bulk's errors never show a URL's password.
			return nil, "", cfg.Errorf(field, "%v", err)
		}
		return s, sc.Kind + " " + cli.RedactURL(sc.URL, i+1), nil
	case "tcp":
		o := tcp.Options{Addr: sc.Addr}
		if sc.Framing == "json" {
			o.Framing = tcp.JSON
		}
		s, err := tcp.NewSink(o)
		if err != nil {
			return nil, "", cfg.Errorf(field, "%v", err)
		}
		return s, "TCP " + sc.Addr, nil
	default:
		return nil, "", cfg.Errorf(field+".kind", "unknown kind %q", sc.Kind)
	}
}
