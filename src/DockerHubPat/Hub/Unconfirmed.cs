using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Hub
{
    /// <summary>A token as the lost-create check sees it, whatever route listed it.</summary>
    internal readonly struct ListedToken
    {
        public ListedToken(Guid id, string label, DateTime? createdAtUtc)
        {
            Id = id;
            Label = label;
            CreatedAtUtc = createdAtUtc;
        }

        public Guid Id { get; }
        public string Label { get; }
        public DateTime? CreatedAtUtc { get; }
    }

    /// <summary>
    /// What to do when Hub may have done something without saying so: a create whose answer was
    /// lost or unreadable, a change that failed after an earlier attempt may have made it. Route
    /// agnostic, so personal and organization tokens follow the same rules.
    /// </summary>
    internal static class Unconfirmed
    {
        // Hub's clock and ours may differ a little when looking for what a lost create made.
        private static readonly TimeSpan CreateClockSkew = TimeSpan.FromMinutes(2);

        private static readonly TimeSpan ShortestRecheck = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan LongestRecheck = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Sends a create once and reads what it made. Any 2xx whose body is a token is success; a
        /// token without a secret is an error that names it; an answer that was lost, or a 2xx that
        /// cannot be read, is looked into (see <see cref="ExplainAsync"/>).
        /// </summary>
        /// <param name="read">Reads a 2xx answer; throws an InvalidResponse HubException when it cannot.</param>
        /// <param name="created">The id and whether a secret came with it.</param>
        /// <param name="failure">A non-success answer as the route's failure.</param>
        /// <param name="list">Every token the route lists now.</param>
        public static async Task<T> CreateAsync<T>(HubClient client, IHubCredentials credentials, HubRequest request, string label,
            Func<HubAnswer, T> read, Func<T, (Guid Id, bool HasSecret)> created, Func<HubAnswer, string, HubException> failure,
            Func<CancellationToken, Task<IEnumerable<ListedToken>>> list, CancellationToken cancel)
        {
            var started = DateTime.UtcNow;
            HubException lost;
            try
            {
                var answer = await client.SendAsync(request, credentials, cancel).ConfigureAwait(false);
                if (!answer.IsSuccess)
                {
                    throw failure(answer, request.What);
                }

                try
                {
                    var token = read(answer);
                    var (id, hasSecret) = created(token);
                    return hasSecret ? token : throw HubException.NoSecret(
                        $"Docker Hub created the token '{label}' ({id}) but sent no secret for it (an empty 'token'), so nobody can ever use it.", id);
                }
                catch (HubException unreadable) when (unreadable.Failure == HubFailure.InvalidResponse)
                {
                    // A 2xx means Hub made the token; only its answer, with the secret, is unusable.
                    throw new HubException(HubFailure.OutcomeUnknown, unreadable.Message, answer.Status);
                }
            }
            catch (HubException ex) when (ex.Failure == HubFailure.OutcomeUnknown)
            {
                lost = ex;
            }

            throw await ExplainAsync(client, label, started, lost, list, cancel).ConfigureAwait(false);
        }

        // A second token would be made and the first one's secret is gone either way, so a create
        // is never sent twice. Instead, look for what the lost request made. A create slower than
        // the timeout may still be running on Hub, so when nothing shows yet, look once more after
        // giving it as long again; "nothing was created" is never concluded from a listing.
        private static async Task<HubException> ExplainAsync(HubClient client, string label, DateTime startedUtc, HubException lost,
            Func<CancellationToken, Task<IEnumerable<ListedToken>>> list, CancellationToken cancel)
        {
            var since = startedUtc - CreateClockSkew;
            var recheck = client.Policy.Timeout < ShortestRecheck ? ShortestRecheck : client.Policy.Timeout > LongestRecheck ? LongestRecheck : client.Policy.Timeout;
            for (var look = 1; ; look++)
            {
                List<Guid> found;
                try
                {
                    found = (await list(cancel).ConfigureAwait(false))
                        .Where(t => t.Label == label && t.CreatedAtUtc >= since).Select(t => t.Id).ToList();
                }
                catch (HubException check)
                {
                    return HubException.LostCreate(
                        $"{lost.Message} Whether Docker Hub created the token is unknown, and checking failed too ({check.Message}). " +
                        $"A token labelled '{label}' made by the lost request has a secret nobody can read, so remove it.",
                        new Guid[0], true, lost);
                }

                if (found.Count > 0)
                {
                    return HubException.LostCreate(
                        $"{lost.Message} Docker Hub did create {found.Count} token(s) labelled '{label}' ({string.Join(", ", found)}), " +
                        "but its secret was in the lost answer and cannot be recovered.", found, false, lost);
                }

                if (look == 2)
                {
                    return HubException.LostCreate(
                        $"{lost.Message} Whether Docker Hub created the token is unknown: no token labelled '{label}' had appeared " +
                        $"{recheck.TotalSeconds:0} s later, but a create slower than that may still finish, and its secret would be lost. " +
                        "Look for the token before creating it again, and remove it if it appears.",
                        found, true, lost);
                }

                const string reason = "Waiting for a slow create to show";
                HubReport.Verbose($"No token labelled '{label}' is listed yet; a slow create may still finish, so looking again in {recheck.TotalSeconds:0} s.");
                HubReport.Waiting(reason, recheck);
                try
                {
                    await Task.Delay(recheck, cancel).ConfigureAwait(false);
                }
                finally
                {
                    HubReport.Waiting(reason, TimeSpan.Zero);
                }
            }
        }

        /// <summary>
        /// A change failed after an earlier attempt may have made it: one read settles it. When the
        /// thing is as the change wanted, that is success; otherwise the failure says how it is.
        /// </summary>
        public static async Task<T> SettleChangeAsync<T>(HubException failed, Func<CancellationToken, Task<T>> read,
            Func<T, bool> applied, Func<T, string> describe, CancellationToken cancel)
        {
            T now;
            try
            {
                now = await read(cancel).ConfigureAwait(false);
            }
            catch (HubException check)
            {
                throw failed.WithMessage($"{failed.Message} Reading it back to see failed too ({check.Message}).");
            }

            if (!applied(now))
            {
                throw failed.WithMessage($"{failed.Message} Reading it back shows it was not: {describe(now)}.");
            }

            HubReport.Verbose($"{failed.Message} Reading it back shows it was: {describe(now)}.");
            return now;
        }
    }
}
