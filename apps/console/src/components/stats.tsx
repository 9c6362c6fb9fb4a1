/** A strip of headline figures, each a label and its value as text. */
export function Stats(props: {
  label: string;
  testId: string;
  items: ReadonlyArray<{ key: string; label: string; value: string }>;
}) {
  return (
    <dl className="stats" aria-label={props.label} data-testid={props.testId}>
      {props.items.map((item) => (
        <div className="stat" key={item.key} data-testid={`stat-${item.key}`}>
          <dt>{item.label}</dt>
          <dd data-testid={`stat-${item.key}-value`}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
