/** An error the associate must see, announced to screen readers; nothing when there is none. */
export function ErrorAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error-alert" role="alert">
      {message}
    </p>
  );
}
