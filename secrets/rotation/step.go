package rotation

// Step is one of the four rotation steps, in order.
type Step int

// The four steps, named as Secrets Manager names them.
const (
	StepCreate Step = iota + 1
	StepSet
	StepTest
	StepFinish
)

var stepNames = [...]string{"", "createSecret", "setSecret", "testSecret", "finishSecret"}

// String returns the step's Secrets Manager name.
func (s Step) String() string {
	if s < StepCreate || s > StepFinish {
		return "step?"
	}
	return stepNames[s]
}
