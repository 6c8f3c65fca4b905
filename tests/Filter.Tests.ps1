# Get-HubAccessToken's filters (-Active, -Inactive, -Scope, -NeverUsed, -LastUsedBefore, -ExpiresBefore,
# -Expired, with -Label and -Id), its paging parameters (-First, -Skip, -IncludeTotalCount) and the
# progress that listing and bulk pipelines report. Tokens are planted on the emulator (bypassing the
# module) with dates relative to now, so every filter has both hits and misses; what the module did
# is checked against the emulator's own view and its request log.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')

    function Get-Stamp {
        # An RFC 3339 UTC instant this many days from now (negative: in the past).
        param([double] $Days)
        [DateTime]::UtcNow.AddDays($Days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
    }

    function Get-ListRequest {
        @(Get-HubRequestLog -Path '/v2/access-tokens' | Where-Object method -EQ 'GET')
    }

    function New-FilterAccount {
        # An account whose tokens give every filter hits and misses. Label -> what it is:
        #   f-active-write      active, repo:write, used 10 d ago, created 400 d ago, expires in 30 d
        #   f-inactive-read     inactive, repo:read, never used, created 200 d ago, no expiry
        #   f-stale-admin       active, repo:admin, used 200 d ago, created 500 d ago, no expiry
        #   f-new-never         active, repo:public_read, never used, created 1 d ago, no expiry
        #   f-expired           active, repo:write+repo:read, used 5 d ago, created 100 d ago, expired 2 d ago
        #   f-noscope           active, no scopes, used 1 d ago, created 30 d ago, expires in 200 d
        #   f-old-never-soon    active, repo:read, never used, created 120 d ago, expires in 3 d
        #   g-inactive-stale    inactive, repo:write, used 100 d ago, created 300 d ago, no expiry
        param([string] $Prefix = 'filter')
        $account = New-TestAccount -Prefix $Prefix
        # Past expiry dates can only be planted: the Hub API refuses them on create.
        Add-TestToken -Username $account.Username -Token @(
            @{ token_label = 'f-active-write'; scopes = @('repo:write'); last_used = Get-Stamp -10; created_at = Get-Stamp -400; expires_at = Get-Stamp 30 }
            @{ token_label = 'f-inactive-read'; is_active = $false; scopes = @('repo:read'); created_at = Get-Stamp -200 }
            @{ token_label = 'f-stale-admin'; scopes = @('repo:admin'); last_used = Get-Stamp -200; created_at = Get-Stamp -500 }
            @{ token_label = 'f-new-never'; scopes = @('repo:public_read'); created_at = Get-Stamp -1 }
            @{ token_label = 'f-expired'; scopes = @('repo:write', 'repo:read'); last_used = Get-Stamp -5; created_at = Get-Stamp -100; expires_at = Get-Stamp -2 }
            @{ token_label = 'f-noscope'; scopes = $null; last_used = Get-Stamp -1; created_at = Get-Stamp -30; expires_at = Get-Stamp 200 }
            @{ token_label = 'f-old-never-soon'; scopes = @('repo:read'); created_at = Get-Stamp -120; expires_at = Get-Stamp 3 }
            @{ token_label = 'g-inactive-stale'; is_active = $false; scopes = @('repo:write'); last_used = Get-Stamp -100; created_at = Get-Stamp -300 }
        ) | Out-Null
        $account
    }

    function Invoke-InRunspace {
        # Runs $Body in a new runspace that imports the module, and returns its output and the
        # progress records PowerShell collected (a runspace without a host keeps them in Streams.Progress).
        param(
            [Parameter(Mandatory)][scriptblock] $Body,
            [Parameter(Mandatory)] $Session,
            [string] $ProgressPreference = 'Continue'
        )
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Session, $Preference, $Text)
                    Import-Module $ModulePath
                    $ProgressPreference = $Preference
                    & ([scriptblock]::Create($Text)) $Session
                }).AddArgument($env:DOCKERHUBPAT_TEST_MODULE).AddArgument($Session).AddArgument($ProgressPreference).AddArgument($Body.ToString())
            $output = @($ps.Invoke())
            [pscustomobject]@{
                Output   = $output
                Progress = @($ps.Streams.Progress)
                Errors   = @($ps.Streams.Error)
                HadErrors = $ps.HadErrors
            }
        }
        finally {
            $ps.Dispose()
        }
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccessToken filters' {
    BeforeAll {
        $account = New-FilterAccount
        $session = Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub -PassThru
        $all = @(Get-ServerToken -Username $account.Username)
        $idOf = @{}
        foreach ($t in $all) { $idOf[$t.token_label] = $t.uuid }
    }

    It 'has the planted set on the server (8 tokens, one expired in the past)' {
        $all.Count | Should -Be 8
        $expired = $all | Where-Object token_label -EQ 'f-expired'
        [DateTimeOffset]::Parse("$($expired.expires_at)").UtcDateTime | Should -BeLessThan ([DateTime]::UtcNow)
    }

    It '<Name> outputs exactly <Expected>' -ForEach @(
        @{ Name = 'no filter'; Filter = @{}; Expected = 'f-active-write', 'f-expired', 'f-inactive-read', 'f-new-never', 'f-noscope', 'f-old-never-soon', 'f-stale-admin', 'g-inactive-stale' }
        @{ Name = '-Active'; Filter = @{ Active = $true }; Expected = 'f-active-write', 'f-expired', 'f-new-never', 'f-noscope', 'f-old-never-soon', 'f-stale-admin' }
        @{ Name = '-Inactive'; Filter = @{ Inactive = $true }; Expected = 'f-inactive-read', 'g-inactive-stale' }
        @{ Name = '-Scope repo:write'; Filter = @{ Scope = 'repo:write' }; Expected = 'f-active-write', 'f-expired', 'g-inactive-stale' }
        @{ Name = '-Scope REPO:WRITE (any case)'; Filter = @{ Scope = 'REPO:WRITE' }; Expected = 'f-active-write', 'f-expired', 'g-inactive-stale' }
        @{ Name = '-Scope repo:read, repo:admin (any of them)'; Filter = @{ Scope = 'repo:read', 'repo:admin' }; Expected = 'f-expired', 'f-inactive-read', 'f-old-never-soon', 'f-stale-admin' }
        @{ Name = '-Scope repo:public_read'; Filter = @{ Scope = 'repo:public_read' }; Expected = 'f-new-never' }
        @{ Name = '-NeverUsed'; Filter = @{ NeverUsed = $true }; Expected = 'f-inactive-read', 'f-new-never', 'f-old-never-soon' }
        # Used long ago matches; used recently does not, however old; never used counts from creation.
        @{ Name = '-LastUsedBefore 90 days ago (local time)'; Filter = @{ LastUsedBefore = (Get-Date).AddDays(-90) }; Expected = 'f-inactive-read', 'f-old-never-soon', 'f-stale-admin', 'g-inactive-stale' }
        @{ Name = '-LastUsedBefore 90 days ago (UTC)'; Filter = @{ LastUsedBefore = [DateTime]::UtcNow.AddDays(-90) }; Expected = 'f-inactive-read', 'f-old-never-soon', 'f-stale-admin', 'g-inactive-stale' }
        @{ Name = '-LastUsedBefore 150 days ago'; Filter = @{ LastUsedBefore = (Get-Date).AddDays(-150) }; Expected = 'f-inactive-read', 'f-stale-admin' }
        @{ Name = '-ExpiresBefore in 60 days'; Filter = @{ ExpiresBefore = (Get-Date).AddDays(60) }; Expected = 'f-active-write', 'f-expired', 'f-old-never-soon' }
        @{ Name = '-ExpiresBefore in 10 days'; Filter = @{ ExpiresBefore = (Get-Date).AddDays(10) }; Expected = 'f-expired', 'f-old-never-soon' }
        @{ Name = '-Expired'; Filter = @{ Expired = $true }; Expected = 'f-expired' }
        @{ Name = '-Active -Scope repo:write'; Filter = @{ Active = $true; Scope = 'repo:write' }; Expected = 'f-active-write', 'f-expired' }
        @{ Name = '-Inactive -NeverUsed'; Filter = @{ Inactive = $true; NeverUsed = $true }; Expected = 'f-inactive-read' }
        @{ Name = '-NeverUsed -ExpiresBefore in 60 days'; Filter = @{ NeverUsed = $true; ExpiresBefore = (Get-Date).AddDays(60) }; Expected = 'f-old-never-soon' }
        @{ Name = '-Expired -Inactive'; Filter = @{ Expired = $true; Inactive = $true }; Expected = @() }
        @{ Name = '-Label f-* -LastUsedBefore 90 days ago'; Filter = @{ Label = 'f-*'; LastUsedBefore = (Get-Date).AddDays(-90) }; Expected = 'f-inactive-read', 'f-old-never-soon', 'f-stale-admin' }
        @{ Name = '-Label g-* -Inactive'; Filter = @{ Label = 'g-*'; Inactive = $true }; Expected = 'g-inactive-stale' }
        @{ Name = '-Label f-*, g-* -Scope repo:write -Active'; Filter = @{ Label = 'f-*', 'g-*'; Scope = 'repo:write'; Active = $true }; Expected = 'f-active-write', 'f-expired' }
        @{ Name = '-Label *never* -Active -NeverUsed'; Filter = @{ Label = '*never*'; Active = $true; NeverUsed = $true }; Expected = 'f-new-never', 'f-old-never-soon' }
    ) {
        $got = @(Get-HubAccessToken @Filter)
        # Compared as text so that an expected empty result is checked too.
        (@($got.Label | Sort-Object) -join ', ') | Should -BeExactly (@($Expected | Sort-Object) -join ', ')
        # Each output object is the real token of that label.
        foreach ($token in $got) { "$($token.Id)" | Should -Be $idOf[$token.Label] }
    }

    It 'with a literal -Label, still says AccessTokenNotFound for a label no token has' {
        $got = @(Get-HubAccessToken -Label 'f-no-such-label' -Active -ErrorVariable errs -ErrorAction SilentlyContinue)
        $got.Count | Should -Be 0
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
    }

    It 'with a literal -Label whose token the other filters leave out, outputs nothing and does not claim the token does not exist' {
        # f-active-write exists but is active, so -Inactive leaves it out. Saying "No access token
        # labelled 'f-active-write' exists" would be false, and a script acting on it would be misled.
        $got = @(Get-HubAccessToken -Label 'f-active-write' -Inactive -ErrorVariable errs -ErrorAction SilentlyContinue)
        $got.Count | Should -Be 0
        $falseClaims = @($errs | Where-Object { "$_" -match "No access token labelled 'f-active-write' exists" })
        $falseClaims | Should -BeNullOrEmpty -Because "the token exists; only the filter excluded it (got: $(@($errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) -join '; '))"
    }

    It 'filters tokens got by -Id as well' {
        $ids = $idOf['f-active-write'], $idOf['f-inactive-read'], $idOf['f-expired']
        @(Get-HubAccessToken -Id $ids -Inactive).Label | Should -Be @('f-inactive-read')
        @(Get-HubAccessToken -Id $ids -Expired).Label | Should -Be @('f-expired')
        @(Get-HubAccessToken -Id $ids -Scope repo:write -Active).Label | Sort-Object | Should -Be @('f-active-write', 'f-expired')
    }

    It 'filters tokens piped in by id' {
        $piped = @(Get-HubAccessToken | Get-HubAccessToken -NeverUsed -Active)
        $piped.Label | Sort-Object | Should -Be @('f-new-never', 'f-old-never-soon')
    }

    It 'refuses -Active -Inactive together with AccessTokenFilterConflict before any request' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Get-HubAccessToken -Active -Inactive }
        $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenFilterConflict,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match '-Active'
        $err.Exception.Message | Should -Match '-Inactive'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'refuses a scope that does not exist at parameter binding' {
        Clear-HubRequestLog
        { Get-HubAccessToken -Scope 'repo:everything' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,DockerHubPat.Commands.GetHubAccessTokenCommand'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'treats -Active:$false as not given' {
        @(Get-HubAccessToken -Active:$false).Count | Should -Be 8
    }
}

Describe 'Get-HubAccessToken -GeneratedBy' {
    BeforeAll {
        # Hub says "manual" for a token made by hand; what it says for Docker Desktop's own tokens is
        # not documented, so the planted value only has to be something else, as Hub sends it.
        $made = New-TestAccount -Prefix 'genby'
        Add-TestToken -Username $made.Username -Token @(
            @{ token_label = 'by-hand'; generated_by = 'manual' }
            @{ token_label = 'desktop-laptop'; generated_by = 'autogenerated' }
            @{ token_label = 'desktop-office'; generated_by = 'autogenerated' }
        ) | Out-Null
        $session = Connect-HubAccount -Credential $made.Credential -HubUri $script:Hub -PassThru
    }

    It '<Value> outputs exactly <Expected>' -ForEach @(
        @{ Value = 'manual'; Expected = 'by-hand' }
        @{ Value = 'MANUAL'; Expected = 'by-hand' }
        @{ Value = 'autogenerated'; Expected = 'desktop-laptop', 'desktop-office' }
        @{ Value = 'auto*'; Expected = 'desktop-laptop', 'desktop-office' }
        @{ Value = @('manual', 'autogenerated'); Expected = 'by-hand', 'desktop-laptop', 'desktop-office' }
        @{ Value = 'unknown'; Expected = @() }
    ) {
        $got = @(Get-HubAccessToken -Session $session -GeneratedBy $Value)
        (@($got.Label | Sort-Object) -join ', ') | Should -BeExactly (@($Expected | Sort-Object) -join ', ')
    }

    It 'combines with -Label and the other filters' {
        @(Get-HubAccessToken -Session $session -Label 'desktop-l*' -GeneratedBy 'autogenerated' -Active).Label | Should -Be @('desktop-laptop')
    }

    It 'marks New-HubAccessToken''s tokens as made by hand, as Hub does' {
        $new = New-HubAccessToken -Session $session -Label 'genby-new' -NoVault
        @(Get-HubAccessToken -Session $session -GeneratedBy manual).Id | Should -Contain $new.Id
    }
}

Describe 'Get-HubAccessToken -LastUsedBefore (Get-Date).AddDays(-90) | Disable-HubAccessToken' {
    BeforeAll {
        $account = New-FilterAccount -Prefix 'stale'
        Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub
        $before = @(Get-ServerToken -Username $account.Username)
        $stale = 'f-inactive-read', 'f-old-never-soon', 'f-stale-admin', 'g-inactive-stale'
    }

    It 'disables exactly the stale tokens on the server and leaves the others as they were' {
        Clear-HubRequestLog
        Get-HubAccessToken -LastUsedBefore (Get-Date).AddDays(-90) | Disable-HubAccessToken

        $after = @(Get-ServerToken -Username $account.Username)
        $after.Count | Should -Be $before.Count
        foreach ($token in $after) {
            $was = $before | Where-Object uuid -EQ $token.uuid
            if ($stale -contains $token.token_label) {
                $token.is_active | Should -BeFalse -Because "$($token.token_label) is stale"
            }
            else {
                $token.is_active | Should -Be $was.is_active -Because "$($token.token_label) is not stale"
            }
        }
        # One change per stale token, and none for the others.
        $patches = @(Get-HubRequestLog -Path '/v2/access-tokens/*' | Where-Object method -EQ 'PATCH')
        $patches.Count | Should -Be $stale.Count
        ($patches.path | ForEach-Object { $_.Split('/')[-1] } | Sort-Object) |
            Should -Be @($before | Where-Object { $stale -contains $_.token_label } | ForEach-Object uuid | Sort-Object)
    }
}

Describe 'Paging: -First, -Skip, -IncludeTotalCount over 150 tokens' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'paging'
        # p-0001 is the newest, so Hub lists p-0001 ... p-0150 in that order.
        Add-TestToken -Username $account.Username -Count 150 -LabelPrefix 'p-' | Out-Null
        Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub
    }

    It '-First 2 outputs the first 2 tokens with ONE list request' {
        Clear-HubRequestLog
        $got = @(Get-HubAccessToken -First 2)
        $got.Label | Should -Be @('p-0001', 'p-0002')
        $requests = @(Get-ListRequest)
        $requests.Count | Should -Be 1
        $requests[0].query | Should -Match 'page=1\b'
    }

    It '-First 2 -Skip 3 outputs tokens 4 and 5 with ONE list request' {
        Clear-HubRequestLog
        @(Get-HubAccessToken -First 2 -Skip 3).Label | Should -Be @('p-0004', 'p-0005')
        @(Get-ListRequest).Count | Should -Be 1
    }

    It '-Skip 148 outputs the last 2 tokens, reading both pages' {
        Clear-HubRequestLog
        @(Get-HubAccessToken -Skip 148).Label | Should -Be @('p-0149', 'p-0150')
        @(Get-ListRequest).Count | Should -Be 2
    }

    It '-Skip past the end outputs nothing and no error' {
        $got = @(Get-HubAccessToken -Skip 200 -ErrorVariable errs)
        $got.Count | Should -Be 0
        @($errs).Count | Should -Be 0
    }

    It '-First applies after the filters and -Label, reading on only as far as needed' {
        Clear-HubRequestLog
        @(Get-HubAccessToken -Label 'p-014*' -First 3).Label | Should -Be @('p-0140', 'p-0141', 'p-0142')
        @(Get-ListRequest).Count | Should -Be 2
        Clear-HubRequestLog
        @(Get-HubAccessToken -Label 'p-00[1-2]*' -First 3 -Skip 1).Label | Should -Be @('p-0011', 'p-0012', 'p-0013')
        @(Get-ListRequest).Count | Should -Be 1
    }

    It '-IncludeTotalCount outputs every token and then their number' {
        $got = @(Get-HubAccessToken -IncludeTotalCount)
        $got.Count | Should -Be 151
        $got[-1] | Should -BeOfType ([uint64])
        $got[-1] | Should -Be 150
        @($got[0..149] | Where-Object { $_ -is [DockerHubPat.HubAccessToken] }).Count | Should -Be 150
    }

    It '-First 2 -IncludeTotalCount outputs 2 tokens and the total of 150, reading every page' {
        Clear-HubRequestLog
        $got = @(Get-HubAccessToken -First 2 -IncludeTotalCount)
        $got.Count | Should -Be 3
        @($got | Where-Object { $_ -is [DockerHubPat.HubAccessToken] }).Label | Should -Be @('p-0001', 'p-0002')
        $got[-1] | Should -BeOfType ([uint64])
        $got[-1] | Should -Be 150
        @(Get-ListRequest).Count | Should -Be 2
    }

    It '-IncludeTotalCount counts the tokens that pass the filters' {
        $got = @(Get-HubAccessToken -Label 'p-01*' -Skip 1 -First 5 -IncludeTotalCount)
        @($got | Where-Object { $_ -is [DockerHubPat.HubAccessToken] }).Label | Should -Be @('p-0101', 'p-0102', 'p-0103', 'p-0104', 'p-0105')
        $got[-1] | Should -Be 51
    }

    It 'the whole list without paging takes 2 requests of 100' {
        Clear-HubRequestLog
        @(Get-HubAccessToken).Count | Should -Be 150
        $requests = @(Get-ListRequest)
        $requests.Count | Should -Be 2
        $requests.query | ForEach-Object { $_ | Should -Match 'page_size=100' }
    }
}

Describe 'Progress' {
    Context 'while listing' {
        BeforeAll {
            $many = New-TestAccount -Prefix 'progmany'
            Add-TestToken -Username $many.Username -Count 150 -LabelPrefix 'm-' | Out-Null
            $manySession = Connect-HubAccount -Credential $many.Credential -HubUri $script:Hub -PassThru
            $few = New-TestAccount -Prefix 'progfew'
            Add-TestToken -Username $few.Username -Count 40 -LabelPrefix 'f-' | Out-Null
            $fewSession = Connect-HubAccount -Credential $few.Credential -HubUri $script:Hub -PassThru
        }

        It 'is reported when the list has more than one page' {
            $run = Invoke-InRunspace -Session $manySession { param($s) Get-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse
            $run.Output.Count | Should -Be 150
            $records = @($run.Progress | Where-Object Activity -EQ 'Listing Docker Hub access tokens')
            $records.Count | Should -BeGreaterOrEqual 2
            $working = @($records | Where-Object RecordType -EQ 'Processing')
            $working.Count | Should -BeGreaterOrEqual 1
            $working[0].StatusDescription | Should -Be '100 of 150'
            $working[0].PercentComplete | Should -Be 66
            # The bar is closed at the end.
            $records[-1].RecordType | Should -Be 'Completed'
            @($run.Progress | Where-Object Activity -NE 'Listing Docker Hub access tokens') | Should -BeNullOrEmpty
        }

        It 'is not reported when the list fits in one page' {
            $run = Invoke-InRunspace -Session $fewSession { param($s) Get-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse
            $run.Output.Count | Should -Be 40
            $run.Progress | Should -BeNullOrEmpty
        }

        It 'is not recorded under $ProgressPreference = ''SilentlyContinue'' (WriteProgress honours the preference)' {
            $run = Invoke-InRunspace -Session $manySession -ProgressPreference SilentlyContinue { param($s) Get-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse
            $run.Output.Count | Should -Be 150
            $run.Progress | Should -BeNullOrEmpty
        }
    }

    Context 'in a bulk pipeline fed by a listing of two pages' {
        BeforeAll {
            $pages = New-TestAccount -Prefix 'progpages'
            Add-TestToken -Username $pages.Username -Count 120 -LabelPrefix 'a-' | Out-Null
            Add-TestToken -Username $pages.Username -Count 30 -LabelPrefix 'z-' | Out-Null
            $pagesSession = Connect-HubAccount -Credential $pages.Credential -HubUri $script:Hub -PassThru
        }

        It 'uses Hub''s count as the total when nothing filters the listing: "n of 150" from the first token' {
            $run = Invoke-InRunspace -Session $pagesSession { param($s) Get-HubAccessToken -Session $s | Disable-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            $working = @($run.Progress | Where-Object { $_.Activity -eq 'Disabling access tokens' -and $_.RecordType -eq 'Processing' })
            $working.Count | Should -Be 150
            $working[0].StatusDescription | Should -Be '1 of 150'
            $working[0].PercentComplete | Should -Be 0
            $working[74].StatusDescription | Should -Be '75 of 150'
            $working[74].PercentComplete | Should -Be 50
            $working[-1].StatusDescription | Should -Be '150 of 150'
            $working[-1].PercentComplete | Should -Be 100
        }

        It 'counts without a percentage when -Label filters a listing of several pages (its total is not known in time)' {
            $run = Invoke-InRunspace -Session $pagesSession { param($s) Get-HubAccessToken -Session $s -Label 'z-*' | Enable-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            @(Get-ServerToken -Username $pages.Username | Where-Object { $_.token_label -like 'z-*' -and $_.is_active }).Count | Should -Be 30
            $working = @($run.Progress | Where-Object { $_.Activity -eq 'Enabling access tokens' -and $_.RecordType -eq 'Processing' })
            $working.Count | Should -BeGreaterOrEqual 29
            $working[-1].StatusDescription | Should -Be '30 done'
            $working.PercentComplete | Sort-Object -Unique | Should -Be -1
        }
    }

    Context 'in a bulk pipeline fed by a filtered listing of one page' {
        BeforeAll {
            $one = New-TestAccount -Prefix 'progonepage'
            Add-TestToken -Username $one.Username -Count 6 -LabelPrefix 'keep-' | Out-Null
            Add-TestToken -Username $one.Username -Count 4 -LabelPrefix 'drop-' | Out-Null
            $oneSession = Connect-HubAccount -Credential $one.Credential -HubUri $script:Hub -PassThru
        }

        It 'knows the exact total: the whole list was read before the first token was written' {
            $run = Invoke-InRunspace -Session $oneSession { param($s) Get-HubAccessToken -Session $s -Label 'drop-*' | Remove-HubAccessToken -Session $s -Force }
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            @(Get-ServerToken -Username $one.Username).Count | Should -Be 6
            $working = @($run.Progress | Where-Object { $_.Activity -eq 'Removing access tokens' -and $_.RecordType -eq 'Processing' })
            @($working.StatusDescription) | Should -Be @('1 of 4', '2 of 4', '3 of 4', '4 of 4')
            @($working.PercentComplete) | Should -Be @(25, 50, 75, 100)
        }
    }

    Context 'in a bulk pipeline' {
        BeforeEach {
            $bulk = New-TestAccount -Prefix 'progbulk'
            Add-TestToken -Username $bulk.Username -Count 5 -LabelPrefix 'b-' | Out-Null
            $bulkSession = Connect-HubAccount -Credential $bulk.Credential -HubUri $script:Hub -PassThru
        }

        It 'Get-HubAccessToken | <Command> reports "n of 5" for each token, the listing''s total, then completes' -ForEach @(
            @{ Command = 'Disable-HubAccessToken'; Activity = 'Disabling access tokens'; Body = { param($s) Get-HubAccessToken -Session $s | Disable-HubAccessToken -Session $s }; Check = { param($u) @(Get-ServerToken -Username $u).is_active | Sort-Object -Unique | Should -Be $false } }
            @{ Command = 'Enable-HubAccessToken'; Activity = 'Enabling access tokens'; Body = { param($s) Get-HubAccessToken -Session $s | Enable-HubAccessToken -Session $s }; Check = { param($u) @(Get-ServerToken -Username $u).is_active | Sort-Object -Unique | Should -Be $true } }
            @{ Command = 'Remove-HubAccessToken -Force'; Activity = 'Removing access tokens'; Body = { param($s) Get-HubAccessToken -Session $s | Remove-HubAccessToken -Session $s -Force }; Check = { param($u) @(Get-ServerToken -Username $u).Count | Should -Be 0 } }
        ) {
            $run = Invoke-InRunspace -Session $bulkSession $Body
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            & $Check $bulk.Username

            $records = @($run.Progress | Where-Object Activity -EQ $Activity)
            $working = @($records | Where-Object RecordType -EQ 'Processing')
            $working.Count | Should -Be 5
            # The total is the listing's from the first token on, not what the pipeline delivered so far.
            @($working.StatusDescription) | Should -Be @('1 of 5', '2 of 5', '3 of 5', '4 of 5', '5 of 5')
            @($working.PercentComplete) | Should -Be @(20, 40, 60, 80, 100)
            $records[-1].RecordType | Should -Be 'Completed'
        }

        It 'counts without a percentage when the total is unknown: ids piped as text' {
            $ids = @(Get-ServerToken -Username $bulk.Username).uuid
            $run = Invoke-InRunspace -Session $bulkSession ([scriptblock]::Create("param(`$s) '$($ids -join "','")' | Disable-HubAccessToken -Session `$s"))
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            @(Get-ServerToken -Username $bulk.Username).is_active | Sort-Object -Unique | Should -Be $false

            $records = @($run.Progress | Where-Object Activity -EQ 'Disabling access tokens')
            $working = @($records | Where-Object RecordType -EQ 'Processing')
            # The first token finished before the pipeline delivered the second: a bar only from two on.
            $working.Count | Should -BeGreaterOrEqual 4
            @($working.StatusDescription)[-1] | Should -Be '5 done'
            foreach ($record in $working) {
                $record.StatusDescription | Should -Match '^\d+ done$'
                $record.PercentComplete | Should -Be -1
            }
            $records[-1].RecordType | Should -Be 'Completed'
        }

        It 'drops back to counting once tokens of a second listing follow the first one''s total' {
            $run = Invoke-InRunspace -Session $bulkSession { param($s) @(Get-HubAccessToken -Session $s -First 2) + @(Get-HubAccessToken -Session $s -Skip 2) | Disable-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse -Because "$($run.Errors | Out-String)"
            $working = @($run.Progress | Where-Object { $_.Activity -eq 'Disabling access tokens' -and $_.RecordType -eq 'Processing' })
            $working[-1].StatusDescription | Should -Be '5 done'
            $working[-1].PercentComplete | Should -Be -1
            # Never a total smaller than what was already done.
            foreach ($record in $working) {
                if ($record.StatusDescription -match '^(\d+) of (\d+)$') { [int]$Matches[1] | Should -BeLessOrEqual ([int]$Matches[2]) }
            }
        }

        It 'is not reported for a single token' {
            $one = @(Get-ServerToken -Username $bulk.Username)[0].uuid
            $run = Invoke-InRunspace -Session $bulkSession ([scriptblock]::Create("param(`$s) Disable-HubAccessToken -Session `$s -Id '$one'"))
            $run.HadErrors | Should -BeFalse
            (Get-ServerToken -Username $bulk.Username | Where-Object uuid -EQ $one).is_active | Should -BeFalse
            $run.Progress | Should -BeNullOrEmpty
        }

        It 'is not recorded under $ProgressPreference = ''SilentlyContinue'', and the work is still done' {
            $run = Invoke-InRunspace -Session $bulkSession -ProgressPreference SilentlyContinue { param($s) Get-HubAccessToken -Session $s | Disable-HubAccessToken -Session $s }
            $run.HadErrors | Should -BeFalse
            @(Get-ServerToken -Username $bulk.Username).is_active | Sort-Object -Unique | Should -Be $false
            $run.Progress | Should -BeNullOrEmpty
        }
    }
}
