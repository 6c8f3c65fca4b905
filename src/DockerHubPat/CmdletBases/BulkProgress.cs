using System;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// How many objects one run of a listing cmdlet writes, told before it writes them. The listing
    /// hangs one instance on every object of the run (an internal property, so it shows nowhere), and
    /// a bulk cmdlet further down the pipeline reads it to know its total.
    /// </summary>
    internal sealed class ListingTotal
    {
        public ListingTotal(long count) => Count = Math.Max(0, count);

        public long Count { get; }
    }

    /// <summary>
    /// The progress bar of a bulk change, honest about what it knows. The pipeline delivers its input
    /// one object at a time, so the total is unknown: the bar counts ("12 done") without a
    /// percentage. When every object so far came from one listing run that told its total, the bar
    /// shows "12 of 40" and the percentage. Input from elsewhere, or more objects than the total
    /// (the listing's count changed), drops back to counting.
    /// </summary>
    internal sealed class BulkProgress
    {
        private readonly int _id;
        private readonly string _activity;
        private ListingTotal? _total;
        private bool _totalUnknown;
        private long _started;
        private long _finished;
        private bool _shown;

        public BulkProgress(int id, string activity)
        {
            _id = id;
            _activity = activity;
        }

        /// <summary>The total the bar shows, when it is known.</summary>
        public long? Total => _totalUnknown || _total is null ? (long?)null : _total.Count;

        /// <summary>One more change started, of an object that came with this total (null: none).</summary>
        public void Started(ListingTotal? total)
        {
            if (_started++ == 0)
            {
                _total = total;
            }
            else if (!ReferenceEquals(_total, total))
            {
                _totalUnknown = true;
            }

            if (_started > (_total?.Count ?? 0))
            {
                _totalUnknown = true;
            }
        }

        /// <summary>The record to write when one more change finished; null while one object alone shows no bar.</summary>
        public ProgressRecord? Finished()
        {
            _finished++;
            ProgressRecord? record = null;
            if (Total is long total && total > 1)
            {
                record = new ProgressRecord(_id, _activity, $"{_finished} of {total}") { PercentComplete = (int)Math.Min(100, _finished * 100 / total) };
            }
            else if (Total is null && _started > 1)
            {
                record = new ProgressRecord(_id, _activity, $"{_finished} done") { PercentComplete = -1 };
            }

            _shown |= record != null;
            return record;
        }

        /// <summary>The record that removes the bar, when one was shown.</summary>
        public ProgressRecord? Completed() =>
            _shown ? new ProgressRecord(_id, _activity, "Done") { RecordType = ProgressRecordType.Completed } : null;
    }
}
