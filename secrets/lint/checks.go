package lint

// References shared by the checks: the same rule in the other linters.
const (
	refCIS      = "CIS Docker Benchmark 4.10"
	refBuildKit = "BuildKit build check SecretsUsedInArgOrEnv"
	refHadolint = "hadolint DL3064"
	refTrivy    = "Trivy AVD-DS-0031"
	refDockle   = "Dockle CIS-DI-0010"
	refSonar    = "SonarSource S6472"
)

// The fixes the remediations name, in one place so every check says them
// the same way.
const (
	fixBuildSecret = "Pass it as a build secret instead: RUN --mount=type=secret,id=NAME,env=NAME (or target=/run/secrets/NAME) with `docker build --secret id=NAME,env=NAME`; the value is then in no layer, config or history."
	fixRuntime     = "Inject it at run time: a swarm secret mounted at /run/secrets/NAME (point the app at it with NAME_FILE), or a value the platform or CI injects, e.g. `environment: NAME: ${NAME}` or opskit's secrets/inject."
	fixRotate      = "A secret already published in an image, a repository or a build log is compromised: rotate it."
)

var tagsDocker = []string{"secrets", "docker"}

// The checks, by where the secret is; what it looks like (a password
// under a secret-looking name, an AWS key, a PEM private key...) is in
// each finding's evidence.
var (
	checkDockerfileEnv = Check{
		ID:       "secrets.lint.dockerfile.env",
		Title:    "Dockerfile ENV sets a secret",
		Severity: SeverityHigh,
		Description: "ENV values are stored in the image config: anyone who can pull the image reads them with docker inspect " +
			"or docker history, and every container inherits them.",
		Remediation: Remediation{Text: "Remove the secret from ENV. " + fixRuntime + " If the build needs it: " + fixBuildSecret + " " + fixRotate,
			Command: "docker build --secret id=NAME,env=NAME ."},
		References: []string{refCIS, refBuildKit, refHadolint, refTrivy, refDockle, refSonar},
		Tags:       tagsDocker,
	}
	checkDockerfileArg = Check{
		ID:       "secrets.lint.dockerfile.arg",
		Title:    "Dockerfile ARG carries a secret",
		Severity: SeverityHigh,
		Description: "Build arguments are not secret: their values are recorded in the image history of every RUN that " +
			"uses them and appear in build logs, and a default value is in the Dockerfile itself.",
		Remediation: Remediation{Text: "Replace the ARG with a build secret. " + fixBuildSecret + " " + fixRotate,
			Command: "docker build --secret id=NAME,env=NAME ."},
		References: []string{refCIS, refBuildKit, refHadolint, refTrivy, refSonar},
		Tags:       tagsDocker,
	}
	checkDockerfileCopy = Check{
		ID:       "secrets.lint.dockerfile.copy",
		Title:    "Dockerfile copies a credential file into the image",
		Severity: SeverityHigh,
		Description: "A credential file (an SSH private key, .env, .npmrc, .pgpass, cloud credentials) copied by COPY or ADD " +
			"stays in that layer even if a later step deletes it.",
		Remediation: Remediation{Text: "Do not copy the file: mount it for the one step that needs it with " +
			"RUN --mount=type=secret,id=NAME,target=PATH (docker build --secret id=NAME,src=FILE), or at run time as a swarm " +
			"secret; list it in .dockerignore. " + fixRotate,
			Command: "docker build --secret id=npmrc,src=$HOME/.npmrc ."},
		References: []string{refCIS, refTrivy, refDockle},
		Tags:       tagsDocker,
	}
	checkDockerfileRun = Check{
		ID:       "secrets.lint.dockerfile.run",
		Title:    "Dockerfile command line contains a secret",
		Severity: SeverityHigh,
		Description: "RUN, CMD, ENTRYPOINT and HEALTHCHECK lines are stored verbatim in the image history or config: a password, " +
			"token or key written on them is readable by anyone who can pull the image.",
		Remediation: Remediation{Text: "Read the secret from a secret mount in the command instead of writing it: " +
			"RUN --mount=type=secret,id=NAME,env=NAME cmd --token \"$NAME\". " + fixRotate},
		References: []string{refCIS, refTrivy, refSonar},
		Tags:       tagsDocker,
	}
	checkDockerfileLabel = Check{
		ID:          "secrets.lint.dockerfile.label",
		Title:       "Dockerfile LABEL contains a secret",
		Severity:    SeverityHigh,
		Description: "Labels are stored in the image config and shown by docker inspect.",
		Remediation: Remediation{Text: "Remove the secret from the label; labels are metadata, never credentials. " + fixRotate},
		References:  []string{refCIS},
		Tags:        tagsDocker,
	}
	checkComposeEnvironment = Check{
		ID:       "secrets.lint.compose.environment",
		Title:    "compose file sets a secret in environment",
		Severity: SeverityHigh,
		Description: "A literal secret in a service's environment: is in the repository with the compose file, in " +
			"docker inspect of every container and in the service spec of a swarm stack.",
		Remediation: Remediation{Text: "Use secrets: declare it under the top-level secrets: (file: or external: true), list it in " +
			"the service's secrets: and point the app at /run/secrets/NAME (NAME_FILE); or keep only a reference that is " +
			"filled at deploy time, NAME: ${NAME}. " + fixRotate,
			Command: "printf %s \"$VALUE\" | docker secret create NAME -"},
		References: []string{refCIS, refSonar},
		Tags:       []string{"secrets", "compose"},
	}
	checkComposeBuildArg = Check{
		ID:          "secrets.lint.compose.build_arg",
		Title:       "compose file passes a secret as a build argument",
		Severity:    SeverityHigh,
		Description: "build.args values end up in the image history and build logs, like ARG.",
		Remediation: Remediation{Text: "Use build secrets: services.NAME.build.secrets with a top-level secrets: entry, and " +
			"RUN --mount=type=secret,id=NAME in the Dockerfile. " + fixRotate},
		References: []string{refCIS, refBuildKit},
		Tags:       []string{"secrets", "compose"},
	}
	checkComposeCommand = Check{
		ID:          "secrets.lint.compose.command",
		Title:       "compose file has a secret on a command line",
		Severity:    SeverityHigh,
		Description: "command:, entrypoint: and healthcheck test: are visible in docker inspect and ps output.",
		Remediation: Remediation{Text: "Let the program read the secret from /run/secrets/NAME or an injected variable instead of an argument. " + fixRotate},
		References:  []string{refCIS},
		Tags:        []string{"secrets", "compose"},
	}
	checkEnvFile = Check{
		ID:       "secrets.lint.envfile.value",
		Title:    "env file holds a secret",
		Severity: SeverityMedium,
		Description: "An env file with real secret values is one git add or one COPY . away from a leak, and docker run " +
			"--env-file puts the values in the container config.",
		Remediation: Remediation{Text: "Keep the values in a secret store and inject them at run time (swarm secrets, " +
			"secrets/inject); commit an .env.example with placeholders and list .env in .gitignore and .dockerignore. " + fixRotate},
		References: []string{refSonar},
		Tags:       []string{"secrets", "env"},
	}
	checkImageEnv = Check{
		ID:          "secrets.lint.image.env",
		Title:       "image config sets a secret in Env",
		Severity:    SeverityCritical,
		Description: "The built image carries the secret in its config: anyone who can pull it reads it with docker inspect.",
		Remediation: Remediation{Text: "Rebuild without the ENV, " + fixRuntime + " Remove the published image. " + fixRotate},
		References:  []string{refCIS, refDockle, refTrivy},
		Tags:        []string{"secrets", "docker", "image"},
	}
	checkImageHistory = Check{
		ID:       "secrets.lint.image.history",
		Title:    "image history contains a secret",
		Severity: SeverityCritical,
		Description: "The built image's history (docker history --no-trunc) records build arguments used by RUN, ENV and " +
			"LABEL values and command lines.",
		Remediation: Remediation{Text: "Rebuild with the secret as a build secret: " + fixBuildSecret + " Remove the published image. " + fixRotate},
		References:  []string{refCIS, refBuildKit, refTrivy},
		Tags:        []string{"secrets", "docker", "image"},
	}
	checkImageLabel = Check{
		ID:          "secrets.lint.image.label",
		Title:       "image config has a secret in a label",
		Severity:    SeverityCritical,
		Description: "Labels are stored in the image config and shown by docker inspect.",
		Remediation: Remediation{Text: "Rebuild without the label. Remove the published image. " + fixRotate},
		References:  []string{refCIS},
		Tags:        []string{"secrets", "docker", "image"},
	}
)

// dockerfileChecks, composeChecks, envFileChecks and imageChecks are the
// checks each kind of input is judged by: each passes or fails on every
// input of its kind.
var (
	dockerfileChecks = []Check{checkDockerfileEnv, checkDockerfileArg, checkDockerfileCopy, checkDockerfileRun, checkDockerfileLabel}
	composeChecks    = []Check{checkComposeEnvironment, checkComposeBuildArg, checkComposeCommand}
	envFileChecks    = []Check{checkEnvFile}
	imageChecks      = []Check{checkImageEnv, checkImageHistory, checkImageLabel}
)

// Checks returns every check the linter runs, for reports (Report.Checks)
// and documentation.
func Checks() []Check {
	var out []Check
	for _, cs := range [][]Check{dockerfileChecks, composeChecks, envFileChecks, imageChecks} {
		out = append(out, cs...)
	}
	return out
}
